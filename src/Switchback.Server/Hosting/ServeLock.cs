namespace Switchback.Server.Hosting;

/// <summary>
/// Keeps a second <c>switchback serve</c> off a SQLite store (docs/fleet.md): an exclusive lock on <c>PATH.serve-lock</c>,
/// taken with <see cref="FileShare.None"/> (an advisory <c>flock</c> on Linux), which the kernel releases when the process
/// ends however it ends, so a server killed with SIGKILL never blocks its successor. Several replicas need PostgreSQL.
/// </summary>
internal sealed class ServeLock : IDisposable
{
    private readonly FileStream stream;

    private ServeLock(FileStream stream) => this.stream = stream;

    /// <summary>The lock file beside <paramref name="storePath"/>.</summary>
    public static string PathFor(string storePath) => storePath + ".serve-lock";

    /// <summary>Takes the lock for <paramref name="storePath"/>; null, with the reason, when another server holds it.</summary>
    public static ServeLock? TryTake(string storePath, out string problem)
    {
        var path = PathFor(storePath);
        problem = string.Empty;
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            stream.SetLength(0);
            using (var writer = new StreamWriter(stream, leaveOpen: true))
            {
                writer.Write($"{Environment.ProcessId}\n");
            }

            stream.Flush(flushToDisk: false);
            return new ServeLock(stream);
        }
        catch (IOException ex)
        {
            problem = $"another switchback serve already runs on the SQLite store {storePath} " +
                $"(it holds {path}): SQLite serves one server. To run several replicas, use a PostgreSQL store (see docs/fleet.md). ({ex.Message})";
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            problem = $"cannot create the lock file {path}: {ex.Message}";
            return null;
        }
    }

    public void Dispose() => stream.Dispose();
}
