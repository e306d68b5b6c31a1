namespace Switchback.UpstreamSim;

/// <summary>What the simulator did with one request, as counted by <see cref="SimStats"/>.</summary>
public enum SimOutcome
{
    /// <summary>A correct 200 answer.</summary>
    Ok,

    /// <summary>400: malformed JSON or a missing/invalid field.</summary>
    BadRequest,

    /// <summary>404 or 405: unknown path or method.</summary>
    NotFound,

    /// <summary>An injected 500, 502 or 503.</summary>
    ServerError,

    /// <summary>An injected connection reset (the response is aborted).</summary>
    ConnectionReset,

    /// <summary>An injected 507 "CUDA out of memory".</summary>
    OutOfMemory,

    /// <summary>A request held open by the down profile until the client gave up.</summary>
    Hang,

    /// <summary>A 200 whose answer ignores the question (silent regression).</summary>
    WrongAnswer,

    /// <summary>A 200 whose answer is a refusal (silent regression).</summary>
    Refusal,

    /// <summary>A 200 whose content is invalid JSON although JSON was requested (silent regression).</summary>
    InvalidJson,

    /// <summary>A 200 whose answer leaks an e-mail address or a card number (silent regression).</summary>
    UnsafeContent,
}
