using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Switchback.FunctionalTests.Infrastructure;

/// <summary>
/// A PostgreSQL server of the test's own (Debian's binaries, as the postgres user, on a free loopback port), for tests that stop
/// and restart it under load: the shared server of SWITCHBACK_TEST_POSTGRES must stay up for every other test.
/// </summary>
internal sealed class OwnPostgres : IDisposable
{
    private readonly string bin;
    private readonly string dir;
    private bool running;

    private OwnPostgres(string bin, string dir, int port)
    {
        this.bin = bin;
        this.dir = dir;
        Port = port;
    }

    public int Port { get; }

    public string StoreSpec => $"postgres:Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=3;Command Timeout=10";

    public static async Task<OwnPostgres> StartAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
            .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault();
        Assert.True(bin is not null, "PostgreSQL's server binaries are not installed: run ./scripts/test.sh, which installs them.");
        var dir = Path.Combine(Path.GetTempPath(), "sb-own-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        await RunAsync("chown", "postgres:postgres", dir);
        await RunAsync("runuser", "-u", "postgres", "--", Path.Combine(bin!, "initdb"), "-D", Path.Combine(dir, "data"), "-U", "postgres", "-A", "trust", "--no-sync");
        var pg = new OwnPostgres(bin!, dir, FreePort());
        await pg.ResumeAsync();
        return pg;
    }

    /// <summary>Stops the server at once (connections are cut, as in a crash of the database host).</summary>
    public async Task StopAsync()
    {
        await RunAsync("runuser", "-u", "postgres", "--", Path.Combine(bin, "pg_ctl"), "-D", Path.Combine(dir, "data"), "-m", "immediate", "-w", "stop");
        running = false;
    }

    /// <summary>Starts it (again) on the same port and data.</summary>
    public async Task ResumeAsync()
    {
        await RunAsync("runuser", "-u", "postgres", "--", Path.Combine(bin, "pg_ctl"), "-D", Path.Combine(dir, "data"), "-l", Path.Combine(dir, "pg.log"), "-w", "-t", "60",
            "-o", $"-p {Port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100", "start");
        running = true;
    }

    public void Dispose()
    {
        if (running)
        {
            using var stop = Process.Start("runuser", ["-u", "postgres", "--", Path.Combine(bin, "pg_ctl"), "-D", Path.Combine(dir, "data"), "-m", "immediate", "stop"]);
            stop.WaitForExit();
        }

        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // /tmp is cleaned anyway.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await output}{await error}");
    }
}
