using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Switchback.FunctionalTests.Prometheus;

/// <summary>
/// A real Prometheus (Debian's <c>/usr/bin/prometheus</c>) on a free loopback port, scraping one target every second, with its
/// configuration and TSDB in a temporary directory; killed and its directory deleted on dispose, so no Prometheus outlives the test.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly Process process;
    private readonly string dir;

    private PrometheusServer(Process process, string dir, Uri address)
    {
        this.process = process;
        this.dir = dir;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public HttpClient Http { get; }

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (host:port) every second and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(string target)
    {
        var dir = Path.Combine(Path.GetTempPath(), "switchback-prom-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var config = Path.Combine(dir, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global: {"{"} scrape_interval: 1s, evaluation_interval: 1s {"}"}
            scrape_configs:
              - job_name: switchback
                scrape_interval: 1s
                static_configs:
                  - targets: ["{target}"]
            """, Ct);
        var port = FreePort();
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList =
            {
                "--config.file=" + config, "--storage.tsdb.path=" + Path.Combine(dir, "data"),
                "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), "--log.level=warn",
            },
        };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, dir, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await server.WaitReadyAsync(TimeSpan.FromSeconds(60));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>An instant PromQL query's vector result.</summary>
    public async Task<JsonArray> QueryAsync(string promql)
    {
        var body = JsonNode.Parse(await Http.GetStringAsync("api/v1/query?query=" + Uri.EscapeDataString(promql), Ct))!;
        Assert.Equal("success", (string?)body["status"]);
        return body["data"]!["result"]!.AsArray();
    }

    /// <summary>The query's single value once <paramref name="accept"/> takes it, polled until <paramref name="limit"/>.</summary>
    public async Task<double> WaitForValueAsync(string promql, Func<double, bool> accept, TimeSpan limit)
    {
        double? last = null;
        for (var until = DateTimeOffset.UtcNow + limit; DateTimeOffset.UtcNow < until; await Task.Delay(250, Ct))
        {
            var result = await QueryAsync(promql);
            if (result.Count == 1)
            {
                last = double.Parse((string)result[0]!["value"]![1]!, CultureInfo.InvariantCulture);
                if (accept(last.Value))
                {
                    return last.Value;
                }
            }
        }

        throw new TimeoutException($"'{promql}' did not reach the expected value in {limit}; last {last?.ToString(CultureInfo.InvariantCulture) ?? "no single series"}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // Already reaped.
        }

        process.Dispose();
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // /tmp is cleaned anyway.
        }
    }

    private async Task WaitReadyAsync(TimeSpan limit)
    {
        for (var until = DateTimeOffset.UtcNow + limit; DateTimeOffset.UtcNow < until; await Task.Delay(100, Ct))
        {
            Assert.False(process.HasExited, $"prometheus exited with {(process.HasExited ? process.ExitCode : 0)}");
            try
            {
                using var ready = await Http.GetAsync("-/ready", Ct);
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
        }

        throw new TimeoutException("prometheus was not ready in time");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
