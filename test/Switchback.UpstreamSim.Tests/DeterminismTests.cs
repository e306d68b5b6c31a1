using Switchback.UpstreamSim.Tests.Support;

namespace Switchback.UpstreamSim.Tests;

public sealed class DeterminismTests
{
    private static UpstreamSimOptions Mixed(int seed) => new()
    {
        Seed = seed, ErrorRate = 0.2, OomRate = 0.1, RegressionRate = 0.3, ResetShare = 0,
    };

    private static async Task<List<(int, string)>> SequenceAsync(UpstreamSimOptions options)
    {
        await using var sim = await Sim.StartAsync(options);
        var results = new List<(int, string)>();
        for (var i = 0; i < 200; i++)
        {
            results.Add(await sim.ChatAsync($"prompt {i % 7}"));
        }

        return results;
    }

    [Fact]
    public async Task Chat_SameSeed_SameOutcomesAndAnswers()
    {
        var first = await SequenceAsync(Mixed(42));
        var second = await SequenceAsync(Mixed(42));

        Assert.Equal(first, second);
        Assert.Contains(first, r => r.Item1 == 200);
        Assert.Contains(first, r => r.Item1 >= 500);
    }

    [Fact]
    public async Task Chat_DifferentSeed_DifferentSequence()
    {
        var first = await SequenceAsync(Mixed(42));
        var other = await SequenceAsync(Mixed(43));

        var differing = first.Zip(other).Count(p => p.First != p.Second);
        Assert.True(differing > 50, $"only {differing} of 200 outcomes differ between seeds");
    }

    [Fact]
    public async Task Chat_SamePromptTwice_SameGoodAnswer()
    {
        await using var sim = await Sim.StartAsync();

        var first = await sim.ChatAsync("stable question");
        var second = await sim.ChatAsync("stable question");
        var other = await sim.ChatAsync("another question");

        Assert.Equal(first, second);
        Assert.NotEqual(first.Content, other.Content);
    }
}
