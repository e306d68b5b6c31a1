namespace Switchback.Storage.Fleet;

/// <summary>One replica's signals of one version in one second, encoded by the gateway (the store does not read the payload).</summary>
public sealed record SignalWindowRow(string Replica, string Deployment, int Version, long Second, byte[] Payload);
