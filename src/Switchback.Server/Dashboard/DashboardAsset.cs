namespace Switchback.Server.Dashboard;

/// <summary>One file of the console, read from the assembly once: its bytes, a gzip copy and an ETag. Immutable.</summary>
internal sealed record DashboardAsset(string ContentType, byte[] Body, byte[] Gzipped, string ETag);
