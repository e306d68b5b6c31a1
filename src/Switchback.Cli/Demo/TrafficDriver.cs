using System.Globalization;
using System.Text;

namespace Switchback.Cli.Demo;

/// <summary>
/// A bounded load loop: <see cref="Workers"/> clients send chat completions through the gateway at about
/// <see cref="RequestsPerSecond"/> in all, each with a varied <c>user</c> key, until cancelled, <c>maxRequests</c> were
/// sent or <c>maxDuration</c> passed, whichever comes first.
/// </summary>
internal sealed class TrafficDriver(Uri gateway, string deployment, TimeProvider time, int seed)
{
    /// <summary>Concurrent clients.</summary>
    public const int Workers = 8;

    /// <summary>Target rate, all clients together.</summary>
    public const int RequestsPerSecond = 200;

    public async Task<TrafficCounts> RunAsync(TrafficCounts counts, long maxRequests, TimeSpan maxDuration, CancellationToken ct)
    {
        using var deadline = new CancellationTokenSource(maxDuration, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(10) };
        var sent = 0L;
        var period = TimeSpan.FromSeconds((double)Workers / RequestsPerSecond);
        var workers = Enumerable.Range(0, Workers).Select(w => WorkerAsync(w)).ToArray();
        await Task.WhenAll(workers);
        return counts;

        async Task WorkerAsync(int worker)
        {
            var random = new Random(HashCode.Combine(seed, worker));
            var started = time.GetTimestamp();
            for (var k = 0L; !linked.IsCancellationRequested && Interlocked.Increment(ref sent) <= maxRequests; k++)
            {
                await SendAsync(http, "user-" + random.Next(100_000).ToString(CultureInfo.InvariantCulture), counts, linked.Token);
                var wait = (period * (k + 1)) - time.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(wait, time, linked.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        }
    }

    private async Task SendAsync(HttpClient http, string user, TrafficCounts counts, CancellationToken ct)
    {
        var body = $$"""{"model":"{{deployment}}","user":"{{user}}","messages":[{"role":"user","content":"Where is my order?"}]}""";
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("v1/chat/completions", content, ct);
            await response.Content.LoadIntoBufferAsync(ct);
            if (response.Headers.TryGetValues("x-switchback-version", out var values) && int.TryParse(values.First(), CultureInfo.InvariantCulture, out var version))
            {
                counts.Served(version, (int)response.StatusCode >= 500);
            }
            else
            {
                counts.Lost();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: the request in flight is not counted.
        }
        catch (HttpRequestException)
        {
            counts.Lost();
        }
        catch (TaskCanceledException)
        {
            counts.Lost();
        }
    }
}
