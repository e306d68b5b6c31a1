using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Core.OfflineEvals;
using Switchback.Core.OfflineEvals.Scorers;

namespace Switchback.Control.OfflineEvals;

/// <summary>
/// Runs a dataset against one version through the gateway's full bundle path: each case is an HTTP
/// <c>POST /v1/chat/completions</c> with <c>model: "deployment@V"</c>, so templates, serving defaults and credentials apply
/// exactly as for users. Bounded concurrency, a time limit per call, no retries (a failure scores 0 with the error).
/// Thread-safe; runs may overlap.
/// </summary>
public sealed class EvalRunner(HttpClient http, TimeProvider time)
{
    private const int MaxAnswerBytes = 4 * 1024 * 1024;

    /// <summary>Runs every case of <paramref name="dataset"/> against <paramref name="target"/> and builds the report.</summary>
    public async Task<EvalReport> RunAsync(EvalTarget target, EvalDataset dataset, EvalRunOptions options, IProgress<EvalProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Concurrency is < 1 or > EvalRunOptions.MaxConcurrency)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"concurrency must be 1..{EvalRunOptions.MaxConcurrency}");
        }

        var started = time.GetUtcNow();
        var results = new EvalCaseResult[dataset.Cases.Length];
        var done = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, dataset.Cases.Length),
            new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var result = await RunCaseAsync(target, dataset.Cases[i], dataset.PassThreshold, options.CaseTimeout, ct);
                results[i] = result;
                progress?.Report(new EvalProgress(Interlocked.Increment(ref done), results.Length, result.Id, result.Score));
            });
        return EvalReport.Build(target.Version.Deployment, target.Version.Version, target.BundleDigest, dataset, started, time.GetUtcNow(), results);
    }

    private async Task<EvalCaseResult> RunCaseAsync(EvalTarget target, EvalCase evalCase, double threshold, TimeSpan timeout, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["model"] = target.Version.ToString(),
            ["messages"] = new JsonArray([.. evalCase.Messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content })]),
        };
        if (!evalCase.Variables.IsEmpty)
        {
            var variables = new JsonObject();
            foreach (var (name, value) in evalCase.Variables)
            {
                variables[name] = value?.DeepClone();
            }

            body["switchback"] = new JsonObject { ["variables"] = variables };
        }

        var startedAt = time.GetTimestamp();
        var (answer, error) = await CompleteAsync(target, body, timeout, ct);
        var latency = time.GetElapsedTime(startedAt).TotalMilliseconds;
        CaseScore score;
        if (error is not null)
        {
            score = CaseScore.Fail(error);
        }
        else if (evalCase.Scorer is LocalScorer local)
        {
            score = local.Score(evalCase, answer!);
        }
        else
        {
            score = await JudgeAsync(target, (JudgeScorer)evalCase.Scorer, evalCase, answer!, timeout, ct);
        }

        return new EvalCaseResult(evalCase.Id, evalCase.Scorer.Type, score.Score, score.Score >= threshold, score.Reason, Math.Round(latency, 1),
            EvalReport.Excerpt(answer ?? string.Empty), error is not null);
    }

    private async Task<CaseScore> JudgeAsync(EvalTarget target, JudgeScorer judge, EvalCase evalCase, string answer, TimeSpan timeout, CancellationToken ct)
    {
        if (RubricRenderer.Render(judge.Rubric, evalCase.Question, answer, evalCase.ExpectedText, out var prompt) is { } problem)
        {
            return CaseScore.Fail($"judge rubric: {problem}");
        }

        var body = new JsonObject
        {
            ["model"] = judge.Deployment,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
        };
        var (verdict, error) = await CompleteAsync(target, body, timeout, ct);
        return error is not null ? CaseScore.Fail($"judge {judge.Deployment}: {error}") : JudgeVerdict.Parse(verdict);
    }

    /// <summary>The assistant text of one chat completion, or why there is none.</summary>
    private async Task<(string? Answer, string? Error)> CompleteAsync(EvalTarget target, JsonObject body, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, limit.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(target.Gateway, "v1/chat/completions"))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", target.ApiKey);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var text = await ReadBoundedAsync(response.Content, linked.Token);
            if (text is null)
            {
                return (null, $"the answer is larger than {MaxAnswerBytes} bytes");
            }

            if (!response.IsSuccessStatusCode)
            {
                return (null, $"HTTP {(int)response.StatusCode}: {ErrorMessage(text)}");
            }

            return ContentOf(text);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return (null, $"timed out after {timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException ex)
        {
            return (null, $"request failed: {ex.Message}");
        }
    }

    private static async Task<string?> ReadBoundedAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxAnswerBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static (string? Answer, string? Error) ContentOf(string text)
    {
        try
        {
            var content = JsonNode.Parse(text) is JsonObject root && root["choices"] is JsonArray { Count: > 0 } choices && choices[0] is JsonObject choice
                ? choice["message"]?["content"]
                : null;
            return content?.GetValueKind() == JsonValueKind.String
                ? (content.GetValue<string>(), null)
                : (null, "the answer has no choices[0].message.content text");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return (null, "the answer is not JSON");
        }
    }

    private static string ErrorMessage(string text)
    {
        try
        {
            if (JsonNode.Parse(text)?["error"]?["message"] is JsonValue message && message.TryGetValue<string>(out var m))
            {
                return m.Length <= 300 ? m : m[..300] + "…";
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not OpenAI-shaped: fall through to the raw start of the body.
        }

        return text.Length <= 200 ? text : text[..200] + "…";
    }
}
