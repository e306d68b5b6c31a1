namespace Switchback.UpstreamSim.Hosting;

/// <summary>What differs between chat and text-completion chunks.</summary>
internal sealed record StreamShape(string Id, string ObjectName, string Model, bool Chat);
