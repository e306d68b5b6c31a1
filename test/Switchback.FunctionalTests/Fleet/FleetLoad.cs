using System.Collections.Concurrent;
using System.Net.Http.Json;

namespace Switchback.FunctionalTests.Fleet;

/// <summary>
/// Chat requests spread round-robin over replicas by several workers, each with a new sticky key, until stopped. Counts every
/// answer by replica, status and serving version; a replica taken out with <see cref="Exclude"/> gets no more requests (as a
/// load balancer does after its health check fails).
/// </summary>
internal sealed class FleetLoad : IAsyncDisposable
{
    private readonly IReadOnlyList<string> urls;
    private readonly ConcurrentDictionary<string, bool> excluded = new();
    private readonly ConcurrentDictionary<(string Url, string Outcome), int> outcomes = new();
    private readonly ConcurrentQueue<(string Url, string Outcome, DateTimeOffset At)> answers = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task[] workers;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private long sent;

    public FleetLoad(IReadOnlyList<string> urls, int workers = 6, TimeSpan? pause = null)
    {
        this.urls = urls;
        this.workers = [.. Enumerable.Range(0, workers).Select(w => Task.Run(() => RunAsync(w, pause ?? TimeSpan.FromMilliseconds(5))))];
    }

    /// <summary>Answers that were not 200, or no answer at all, per replica and kind.</summary>
    public IReadOnlyDictionary<(string Url, string Outcome), int> Failures
        => outcomes.Where(o => !o.Key.Outcome.StartsWith("200", StringComparison.Ordinal)).ToDictionary(o => o.Key, o => o.Value);

    /// <summary>Answers per replica and "status v=version".</summary>
    public IReadOnlyDictionary<(string Url, string Outcome), int> Outcomes => outcomes;

    /// <summary>Answers per replica and outcome that completed before <paramref name="before"/>.</summary>
    public int AnsweredBefore(string url, string outcome, DateTimeOffset before)
        => answers.Count(a => a.Url == url && a.Outcome == outcome && a.At < before);

    /// <summary>Requests completed.</summary>
    public long Completed => outcomes.Values.Sum();

    public void Exclude(string url) => excluded[url] = true;

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        http.Dispose();
        stop.Dispose();
    }

    private async Task RunAsync(int worker, TimeSpan pause)
    {
        var random = new Random(worker);
        while (!stop.IsCancellationRequested)
        {
            var n = Interlocked.Increment(ref sent);
            var url = urls[(int)(n % urls.Count)];
            if (excluded.ContainsKey(url))
            {
                continue;
            }

            string outcome;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url + "/v1/chat/completions")
                {
                    Content = JsonContent.Create(new { model = "svc", messages = new[] { new { role = "user", content = "hi" } } }),
                };
                request.Headers.Add("x-switchback-key", $"user-{worker}-{random.Next()}");
                using var response = await http.SendAsync(request, stop.Token);
                await response.Content.ReadAsByteArrayAsync(stop.Token);
                outcome = $"{(int)response.StatusCode} v={string.Join(',', response.Headers.TryGetValues("x-switchback-version", out var v) ? v : [])}";
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                outcome = "error " + ex.GetType().Name;
            }

            if (!excluded.ContainsKey(url))
            {
                outcomes.AddOrUpdate((url, outcome), 1, (_, c) => c + 1);
                answers.Enqueue((url, outcome, DateTimeOffset.UtcNow));
            }

            try
            {
                await Task.Delay(pause, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
