namespace Switchback.FunctionalTests.Infrastructure;

/// <summary>A fresh directory under /tmp, deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "switchback-ft-" + Guid.NewGuid().ToString("N"));

    public string SqliteStore => "sqlite:" + File("s.db");

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string content)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A killed child may still hold a file for a moment; /tmp is cleaned anyway.
        }
    }
}
