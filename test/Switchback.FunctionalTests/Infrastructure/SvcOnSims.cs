namespace Switchback.FunctionalTests.Infrastructure;

/// <summary>
/// The set-up the canary flow tests share: a temporary directory, svc@1 on a healthy simulator and svc@2 on a second
/// simulator process, and a server on a SQLite store with both registered (<see cref="Svc.RegisterAsync"/>). Disposing
/// stops the server and the simulators, then removes the directory.
/// </summary>
internal sealed class SvcOnSims : IDisposable
{
    private Sim? _v1;
    private Sim? _v2;
    private ServerProcess? _server;

    private SvcOnSims(TempDir dir) => Dir = dir;

    public TempDir Dir { get; }

    public ServerProcess Server => _server!;

    /// <summary>Starts svc@2's simulator with <paramref name="v2Profile"/> and <paramref name="v2Extra"/> (e.g. "flaky", "--error-rate", "0.4").</summary>
    public static async Task<SvcOnSims> StartAsync(string v2Profile, params string[] v2Extra)
    {
        var fixture = new SvcOnSims(new TempDir());
        try
        {
            fixture._v1 = await Sim.StartAsync("healthy");
            fixture._v2 = await Sim.StartAsync(v2Profile, v2Extra);
            fixture._server = await ServerProcess.StartAsync(fixture.Dir.SqliteStore);
            await Svc.RegisterAsync(fixture._server, fixture.Dir, fixture._v1.Url, fixture._v2.Url);
            return fixture;
        }
        catch
        {
            fixture.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _server?.Dispose();
        _v2?.Dispose();
        _v1?.Dispose();
        Dir.Dispose();
    }
}
