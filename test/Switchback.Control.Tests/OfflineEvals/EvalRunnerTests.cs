using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Switchback.Control.OfflineEvals;
using Switchback.Core.Bundles;
using Switchback.Core.OfflineEvals;

namespace Switchback.Control.Tests.OfflineEvals;

public sealed class EvalRunnerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly EvalTarget Target = new(new VersionRef("bot", 2), "sha256:" + new string('a', 64), new Uri("http://gateway.test/"), "sb_key");

    private static EvalDataset Dataset(int cases, string scorer = "{\"type\": \"contains\"}")
    {
        var text = new StringBuilder();
        for (var i = 0; i < cases; i++)
        {
            text.Append($"{{\"id\": \"c{i}\", \"prompt\": \"Q{i}\", \"expected\": \"A{i}\", \"scorer\": {scorer}}}\n");
        }

        return EvalDataset.Parse(text.ToString()).Dataset!;
    }

    private static HttpResponseMessage Chat(string content) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(new JsonObject { ["choices"] = new JsonArray(new JsonObject { ["message"] = new JsonObject { ["content"] = content } }) }.ToJsonString()),
    };

    [Fact]
    public async Task RunAsync_EachCase_IsPinnedWithTheKeyAndScored()
    {
        var handler = new Handler(async (request, body) =>
        {
            await Task.Yield();
            Assert.Equal("Bearer sb_key", request.Headers.Authorization!.ToString());
            Assert.Equal("bot@2", body["model"]!.GetValue<string>());
            var question = body["messages"]![0]!["content"]!.GetValue<string>();
            return Chat(question == "Q1" ? "wrong" : "A" + question[1..]);
        });
        var runner = new EvalRunner(new HttpClient(handler), new FakeTimeProvider());

        var report = await runner.RunAsync(Target, Dataset(3), new EvalRunOptions(), null, Ct);

        Assert.Equal([1.0, 0.0, 1.0], report.Cases.Select(c => c.Score));
        Assert.Equal(2.0 / 3, report.Aggregate.MeanScore, 12);
        Assert.Equal(Target.BundleDigest, report.BundleDigest);
    }

    [Fact]
    public async Task RunAsync_Concurrency_NeverExceedsTheBound()
    {
        var inFlight = 0;
        var max = 0;
        var handler = new Handler(async (_, _) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref max, now);
            await Task.Yield();
            await Task.Delay(5, Ct);
            Interlocked.Decrement(ref inFlight);
            return Chat("x");
        });
        var runner = new EvalRunner(new HttpClient(handler), new FakeTimeProvider());
        var progress = new List<int>();

        var report = await runner.RunAsync(Target, Dataset(30), new EvalRunOptions { Concurrency = 3 }, new SyncProgress(p => { lock (progress) { progress.Add(p.Done); } }), Ct);

        Assert.Equal(30, report.Cases.Length);
        Assert.InRange(max, 1, 3);
        Assert.Equal(Enumerable.Range(1, 30), progress.Order());
    }

    [Fact]
    public async Task RunAsync_CallOverTheCaseTimeout_ScoresZeroAsAnError()
    {
        var time = new FakeTimeProvider();
        var called = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new Handler(async (_, _) =>
        {
            called.TrySetResult();
            await Task.Delay(Timeout.Infinite, CancellationToken.None).WaitAsync(HandlerToken.Value);
            return Chat("never");
        });
        var runner = new EvalRunner(new HttpClient(handler), time);

        var run = runner.RunAsync(Target, Dataset(1), new EvalRunOptions { CaseTimeout = TimeSpan.FromSeconds(5) }, null, Ct);
        await called.Task.WaitAsync(Ct);
        time.Advance(TimeSpan.FromSeconds(5));
        var report = await run.WaitAsync(Ct);

        var only = Assert.Single(report.Cases);
        Assert.Equal((0.0, true), (only.Score, only.Error));
        Assert.Equal("timed out after 5 s", only.Reason);
    }

    [Theory]
    [InlineData(502, "{\"error\": {\"message\": \"upstream unreachable\"}}", "HTTP 502: upstream unreachable")]
    [InlineData(200, "not json", "the answer is not JSON")]
    [InlineData(200, "{\"choices\": []}", "the answer has no choices[0].message.content text")]
    [InlineData(200, "{\"choices\": [{\"message\": {\"content\": 5}}]}", "the answer has no choices[0].message.content text")]
    public async Task RunAsync_BadAnswer_ScoresZeroWithTheReason(int status, string body, string reason)
    {
        var handler = new Handler((_, _) => Task.FromResult(new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body) }));
        var runner = new EvalRunner(new HttpClient(handler), new FakeTimeProvider());

        var only = Assert.Single((await runner.RunAsync(Target, Dataset(1), new EvalRunOptions(), null, Ct)).Cases);

        Assert.Equal((0.0, true, reason), (only.Score, only.Error, only.Reason));
    }

    [Fact]
    public async Task RunAsync_Judge_RendersTheRubricAndParsesTheVerdictStrictly()
    {
        var prompts = new List<string>();
        var handler = new Handler((_, body) =>
        {
            if (body["model"]!.GetValue<string>() == "judge-bot")
            {
                var prompt = body["messages"]![0]!["content"]!.GetValue<string>();
                lock (prompts)
                {
                    prompts.Add(prompt);
                }

                return Task.FromResult(Chat(prompt.Contains("Q0", StringComparison.Ordinal) ? "{\"score\": 0.8, \"reason\": \"close\"}" : "I'd say PASS"));
            }

            return Task.FromResult(Chat("the answer"));
        });
        var runner = new EvalRunner(new HttpClient(handler), new FakeTimeProvider());
        var dataset = Dataset(2, "{\"type\": \"judge\", \"deployment\": \"judge-bot\", \"rubric\": \"q={{ question }} a={{ answer }} e={{ expected }}\"}");

        var report = await runner.RunAsync(Target, dataset, new EvalRunOptions(), null, Ct);

        Assert.Contains("q=Q0 a=the answer e=A0", prompts);
        Assert.Equal((0.8, "judge: close"), (report.Cases[0].Score, report.Cases[0].Reason));
        Assert.Equal(0.0, report.Cases[1].Score);
        Assert.StartsWith(JudgeVerdict.Unparseable, report.Cases[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RubricWithUnknownVariable_ScoresZeroWithoutCallingTheJudge()
    {
        var judged = 0;
        var handler = new Handler((_, body) =>
        {
            if (body["model"]!.GetValue<string>() == "judge-bot")
            {
                Interlocked.Increment(ref judged);
            }

            return Task.FromResult(Chat("PASS"));
        });
        var runner = new EvalRunner(new HttpClient(handler), new FakeTimeProvider());
        var dataset = Dataset(1, "{\"type\": \"judge\", \"deployment\": \"judge-bot\", \"rubric\": \"{{ nonsense }}\"}");

        var only = Assert.Single((await runner.RunAsync(Target, dataset, new EvalRunOptions(), null, Ct)).Cases);

        Assert.Equal(0.0, only.Score);
        Assert.StartsWith("judge rubric:", only.Reason, StringComparison.Ordinal);
        Assert.Equal(0, judged);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static readonly AsyncLocal<CancellationToken> HandlerToken = new();

    private sealed class Handler(Func<HttpRequestMessage, JsonNode, Task<HttpResponseMessage>> respond) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HandlerToken.Value = cancellationToken;
            var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!;
            return await respond(request, body);
        }
    }

    private sealed class SyncProgress(Action<EvalProgress> report) : IProgress<EvalProgress>
    {
        public void Report(EvalProgress value) => report(value);
    }
}
