namespace Switchback.Gateway.Forwarding;

/// <summary>What one attempt saw of the upstream's answer. Written by one request's thread only.</summary>
internal sealed class ResponseObservation
{
    public int? Status { get; set; }

    public bool RetryRequested { get; set; }

    public bool OutOfMemory { get; set; }

    public bool IsStream { get; set; }

    public long? FirstByteTimestamp { get; set; }

    public ObservingStream? Body { get; set; }
}
