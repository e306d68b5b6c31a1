namespace Switchback.Storage.Backup;

/// <summary>
/// A backup or restore was refused or failed; the message says which file, what was wrong with it and what to do. Nothing was
/// replaced when it is thrown: a refused restore leaves the store as it was, a failed backup leaves no partial file.
/// </summary>
public sealed class StoreBackupException : Exception
{
    /// <summary>An exception with the standard message.</summary>
    public StoreBackupException()
        : base("The backup or restore failed.")
    {
    }

    /// <summary>An exception with <paramref name="message"/>.</summary>
    public StoreBackupException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public StoreBackupException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
