namespace Switchback.Storage;

/// <summary>
/// The store cannot serve the call now: its file was deleted or replaced, another writer held the writer lock for longer than
/// the caller waits (<see cref="WriterLockWait"/>), or the database cannot be reached, opened or written. Thrown by every store
/// instead of the driver's exception, so callers need not know the driver; the driver's exception is the inner one. The
/// message is safe to show to an API caller: it never holds a connection string.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    /// <summary>An exception with the standard message.</summary>
    public StoreUnavailableException()
        : base("The store is unavailable.")
    {
    }

    /// <summary>An exception with <paramref name="message"/>.</summary>
    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with <paramref name="message"/>, caused by <paramref name="innerException"/> (the driver's).</summary>
    public StoreUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
