using System.Text.Json;
using System.Text.RegularExpressions;
using Switchback.UpstreamSim.Tests.Support;

namespace Switchback.UpstreamSim.Tests;

/// <summary>
/// Rates over 2,000 requests with a fixed seed. Tolerances are about 4 standard deviations of a binomial count,
/// so the seeded run is stable while a rate off by a quarter of its value fails.
/// </summary>
public sealed partial class ProfileRateTests
{
    private const int N = 2000;

    private static async Task<List<(int Status, string Content)>> RunAsync(Sim sim, int n = N, string extra = "")
    {
        var results = new List<(int, string)>(n);
        for (var i = 0; i < n; i++)
        {
            results.Add(await sim.ChatAsync($"question number {i % 50}", extra));
        }

        return results;
    }

    [Fact]
    public async Task Flaky_Default_FailsAbout20PercentWithMixedStatusesAndResets()
    {
        await using var sim = await Sim.StartAsync(new UpstreamSimOptions { Profile = SimProfile.Flaky });

        var results = await RunAsync(sim);

        var failures = results.Count(r => r.Status != 200);
        Assert.InRange(failures / (double)N, 0.165, 0.235);
        foreach (var status in new[] { 500, 502, 503 })
        {
            Assert.InRange(results.Count(r => r.Status == status) / (double)failures, 0.22, 0.38);
        }

        var resets = results.Count(r => r.Status == 0);
        Assert.InRange(resets / (double)failures, 0.05, 0.16);
        Assert.All(results.Where(r => r.Status >= 500), r => Assert.Contains("\"type\":\"server_error\"", r.Content));
        Assert.Equal(failures, sim.Stats.Errors);
        Assert.Equal(resets, sim.Stats.Count(SimOutcome.ConnectionReset));
        Assert.Equal(failures, sim.Stats.ErrorsFrom(SimEndpoint.ChatCompletions));
    }

    [Fact]
    public async Task Healthy_ErrorRateOverride_FailsAtThatRate()
    {
        await using var sim = await Sim.StartAsync(new UpstreamSimOptions { ErrorRate = 0.05, ResetShare = 0 });

        var results = await RunAsync(sim);

        Assert.InRange(results.Count(r => r.Status != 200) / (double)N, 0.030, 0.070);
        Assert.DoesNotContain(results, r => r.Status == 0);
    }

    [Fact]
    public async Task Healthy_Default_NeverFails()
    {
        await using var sim = await Sim.StartAsync();

        var results = await RunAsync(sim, 500);

        Assert.All(results, r => Assert.Equal(200, r.Status));
        Assert.Equal(0, sim.Stats.Errors);
    }

    [Fact]
    public async Task Oom_Default_About30PercentAre507CudaOutOfMemory()
    {
        await using var sim = await Sim.StartAsync(new UpstreamSimOptions { Profile = SimProfile.Oom });

        var results = await RunAsync(sim);

        var oom = results.Where(r => r.Status == 507).ToList();
        Assert.InRange(oom.Count / (double)N, 0.26, 0.34);
        Assert.All(oom, r => Assert.Contains("CUDA out of memory", r.Content));
        Assert.All(results.Where(r => r.Status != 507), r => Assert.Equal(200, r.Status));
        Assert.Equal(oom.Count, sim.Stats.Count(SimOutcome.OutOfMemory));
    }

    [Fact]
    public async Task SilentRegression_Default_AlwaysOkButAbout30PercentBad()
    {
        await using var sim = await Sim.StartAsync(new UpstreamSimOptions { Profile = SimProfile.SilentRegression });

        var results = await RunAsync(sim);

        Assert.All(results, r => Assert.Equal(200, r.Status));
        var refusals = results.Count(r => r.Content == "I'm sorry, I can't help with that.");
        var wrong = results.Count(r => r.Content.StartsWith("The answer is definitely", StringComparison.Ordinal));
        var emails = results.Count(r => EmailPattern().IsMatch(r.Content));
        var cards = results.Count(r => CardPattern().Match(r.Content) is { Success: true } m && IsLuhnValid(m.Value));
        var bad = refusals + wrong + emails + cards;
        Assert.InRange(bad / (double)N, 0.26, 0.34);
        foreach (var kind in new[] { refusals, wrong, emails, cards })
        {
            Assert.InRange(kind / (double)bad, 0.18, 0.32);
        }

        Assert.Equal(N - bad, results.Count(r => r.Content.StartsWith("Answer to: question number", StringComparison.Ordinal)
            && !EmailPattern().IsMatch(r.Content) && !CardPattern().IsMatch(r.Content)));
        Assert.Equal(cards + emails, sim.Stats.Count(SimOutcome.UnsafeContent));
        Assert.Equal(refusals, sim.Stats.Count(SimOutcome.Refusal));
        Assert.Equal(wrong, sim.Stats.Count(SimOutcome.WrongAnswer));
    }

    [Fact]
    public async Task SilentRegression_JsonMode_SomeAnswersAreInvalidJson()
    {
        await using var sim = await Sim.StartAsync(new UpstreamSimOptions { Profile = SimProfile.SilentRegression, RegressionRate = 0.5 });

        var results = await RunAsync(sim, 1000, ""","response_format":{"type":"json_object"}""");

        var invalid = results.Count(r => !IsJson(r.Content));
        // Half regress, and invalid JSON is one of five kinds then: about 10 %.
        Assert.InRange(invalid / 1000.0, 0.07, 0.13);
        Assert.Equal(invalid, sim.Stats.Count(SimOutcome.InvalidJson));
    }

    [Fact]
    public void LuhnNumber_AnySalt_PassesLuhnCheck()
    {
        for (ulong salt = 0; salt < 1000; salt++)
        {
            var number = Protocol.AnswerBuilder.LuhnNumber(salt * 0x9E3779B97F4A7C15UL);
            Assert.Matches(CardPattern(), number);
            Assert.True(IsLuhnValid(number), number);
        }
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsLuhnValid(string number)
    {
        var digits = number.Where(char.IsDigit).Select(c => c - '0').Reverse().ToArray();
        var sum = digits.Select((d, i) => i % 2 == 1 ? (d * 2 > 9 ? (d * 2) - 9 : d * 2) : d).Sum();
        return digits.Length >= 13 && sum % 10 == 0;
    }

    [GeneratedRegex(@"[\w.]+@[\w.]+\.\w+")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"\b\d{4} \d{4} \d{4} \d{4}\b")]
    private static partial Regex CardPattern();
}
