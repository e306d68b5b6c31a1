namespace Switchback.Control.Alerts;

/// <summary>An alert queued for one receiver, its body serialised at enqueue time so later changes to the evidence cannot reach it.</summary>
internal sealed record PendingAlert(string Kind, string Deployment, ReadOnlyMemory<byte> Body);
