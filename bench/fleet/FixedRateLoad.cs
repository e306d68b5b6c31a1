using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Switchback.Bench.Fleet;

/// <summary>
/// Chat completions for svc at a fixed rate, round-robin over <c>targets</c>, each with a new sticky key (so a canary gets its
/// weight's share of them). Open loop: a request is sent when it is due, whatever the earlier ones do; at most
/// <c>maxInFlight</c> are outstanding, and a request due while that many are is not sent but counted, so the achieved rate
/// shows a gateway that cannot keep up instead of hiding it in a queue. Thread-safe; stopped by <see cref="StopAsync"/>.
/// </summary>
internal sealed class FixedRateLoad : IAsyncDisposable
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"model":"svc","messages":[{"role":"user","content":"Where is my order?"}]}""");

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);

    private readonly IReadOnlyList<string> targets;
    private readonly double rate;
    private readonly int maxInFlight;
    private readonly string keyPrefix;
    private readonly HttpClient http;
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentDictionary<string, int> outcomes = new(StringComparer.Ordinal);
    private readonly List<double> latencies = [];
    private readonly Lock latencyGate = new();
    private readonly Stopwatch clock = new();
    private Task? scheduler;
    private long started;
    private long skipped;
    private long completed;
    private int inFlight;

    public FixedRateLoad(IReadOnlyList<string> targets, double rate, string keyPrefix, int maxInFlight = 256)
    {
        this.targets = targets;
        this.rate = rate;
        this.keyPrefix = keyPrefix;
        this.maxInFlight = maxInFlight;
        http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = maxInFlight, UseProxy = false })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>Requests answered (or failed) so far.</summary>
    public long Completed => Interlocked.Read(ref completed);

    public FixedRateLoad Start()
    {
        clock.Start();
        scheduler = Task.Run(ScheduleAsync);
        return this;
    }

    /// <summary>Stops sending, waits for the requests in flight, and returns the counts.</summary>
    public async Task<LoadResult> StopAsync()
    {
        if (!stop.IsCancellationRequested)
        {
            await stop.CancelAsync();
        }

        if (scheduler is not null)
        {
            await scheduler;
        }

        var elapsed = clock.Elapsed;
        for (var waited = Stopwatch.StartNew(); Volatile.Read(ref inFlight) > 0 && waited.Elapsed < TimeSpan.FromSeconds(35);)
        {
            await Task.Delay(10);
        }

        double[] sorted;
        lock (latencyGate)
        {
            sorted = [.. latencies.Order()];
        }

        return new LoadResult(rate, elapsed, Interlocked.Read(ref started), Interlocked.Read(ref skipped),
            new Dictionary<string, int>(outcomes, StringComparer.Ordinal), sorted);
    }

    public async ValueTask DisposeAsync()
    {
        if (!stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        http.Dispose();
        stop.Dispose();
    }

    private async Task ScheduleAsync()
    {
        using var timer = new PeriodicTimer(Tick);
        long due = 0;
        try
        {
            do
            {
                // Catch up on everything due by now: a late tick sends a small burst rather than lowering the rate.
                var now = (long)(clock.Elapsed.TotalSeconds * rate);
                for (; due < now; due++)
                {
                    if (Volatile.Read(ref inFlight) >= maxInFlight)
                    {
                        Interlocked.Increment(ref skipped);
                        continue;
                    }

                    Interlocked.Increment(ref inFlight);
                    Interlocked.Increment(ref started);
                    _ = SendAsync(due);
                }
            }
            while (await timer.WaitForNextTickAsync(stop.Token));
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task SendAsync(long n)
    {
        var began = Stopwatch.GetTimestamp();
        string outcome;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, targets[(int)(n % targets.Count)] + "/v1/chat/completions")
            {
                Content = new ByteArrayContent(Body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            request.Headers.Add("x-switchback-key", keyPrefix + n.ToString(CultureInfo.InvariantCulture));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            var version = response.Headers.TryGetValues("x-switchback-version", out var v) ? string.Join(',', v) : "-";
            outcome = $"{(int)response.StatusCode} v={version}";
        }
        catch (Exception e)
        {
            outcome = "error " + e.GetType().Name;
        }

        try
        {
            outcomes.AddOrUpdate(outcome, 1, (_, c) => c + 1);
            Interlocked.Increment(ref completed);
            lock (latencyGate)
            {
                latencies.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
            }
        }
        finally
        {
            // Last, so that StopAsync, which waits for none in flight, sees this request counted.
            Interlocked.Decrement(ref inFlight);
        }
    }
}
