namespace Switchback.FunctionalTests.Operations;

/// <summary>
/// What deploy/Dockerfile's build stage does, read from the file itself: the files its COPY lines bring in, its WORKDIR and
/// its <c>RUN dotnet publish</c> arguments. No Docker engine runs here, so the test suite replays that stage on the machine.
/// </summary>
internal sealed record DockerfileBuild(IReadOnlyList<(IReadOnlyList<string> Sources, string Destination)> Copies, IReadOnlyList<string> PublishArguments, string OutputDirectory)
{
    /// <summary>The Dockerfile's instructions, continuation lines joined, comments dropped.</summary>
    public static IReadOnlyList<string> Instructions(string text)
    {
        var joined = text.Replace("\\\n", " ", StringComparison.Ordinal);
        return joined.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
    }

    /// <summary>Reads the first stage (up to the second FROM).</summary>
    public static DockerfileBuild Parse(string text)
    {
        var stage = Instructions(text).Skip(1).TakeWhile(l => !l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        var copies = stage.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..])
            .Select(parts => ((IReadOnlyList<string>)parts[..^1], parts[^1]))
            .ToList();
        var publish = stage.Single(l => l.StartsWith("RUN dotnet publish ", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[2..];
        var output = Array.IndexOf(publish, "-o");
        return new DockerfileBuild(copies, publish, output < 0 ? throw new InvalidOperationException("the publish line has no -o") : publish[output + 1]);
    }

    /// <summary>Copies what the COPY lines name from <paramref name="repoRoot"/> into <paramref name="context"/> (the stage's WORKDIR), skipping bin/ and obj/ as .dockerignore does.</summary>
    public void CopyContext(string repoRoot, string context)
    {
        foreach (var (sources, destination) in Copies)
        {
            foreach (var source in sources)
            {
                var from = Path.Combine(repoRoot, source);
                if (Directory.Exists(from))
                {
                    CopyDirectory(from, Path.Combine(context, destination));
                }
                else
                {
                    var to = destination.EndsWith('/') ? Path.Combine(context, destination, Path.GetFileName(source)) : Path.Combine(context, destination);
                    Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                    File.Copy(from, to);
                }
            }
        }
    }

    /// <summary>The arguments of <c>dotnet</c> (from <c>publish</c> on) with the output directory replaced.</summary>
    public IReadOnlyList<string> PublishArgumentsTo(string output) => PublishArguments.Select(a => a == OutputDirectory ? output : a).ToList();

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj")))
        {
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}
