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

    /// <summary>The body's declared Content-Length, when the upstream sent one: the capture buffer is sized to it.</summary>
    public long? ExpectedLength { get; set; }

    /// <summary>How many bytes of the body the <see cref="Body"/> stream keeps; more than the default only for versions with evaluators.</summary>
    public int CaptureLimit { get; init; } = 64 * 1024;
}
