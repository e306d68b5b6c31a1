using System.Text.Json;
using Switchback.UpstreamSim.Tests.Support;

namespace Switchback.UpstreamSim.Tests;

public sealed class EmbeddingsTests
{
    private static async Task<float[][]> EmbedAsync(Sim sim, string body)
    {
        using var response = await sim.PostAsync("v1/embeddings", body);
        response.EnsureSuccessStatusCode();
        var json = await sim.ReadJsonAsync(response);
        return json.GetProperty("data").EnumerateArray()
            .Select(d => d.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray())
            .ToArray();
    }

    private static double Norm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));

    [Fact]
    public async Task Embeddings_NoDimensions_Returns16DimensionalUnitVector()
    {
        await using var sim = await Sim.StartAsync();

        var vectors = await EmbedAsync(sim, """{"model":"e","input":"hello world"}""");

        Assert.Single(vectors);
        Assert.Equal(16, vectors[0].Length);
        Assert.Equal(1.0, Norm(vectors[0]), 4);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1536)]
    public async Task Embeddings_Dimensions_Honoured(int dimensions)
    {
        await using var sim = await Sim.StartAsync();

        var vectors = await EmbedAsync(sim, $$"""{"input":["a","b"],"dimensions":{{dimensions}}}""");

        Assert.Equal(2, vectors.Length);
        Assert.All(vectors, v => Assert.Equal(dimensions, v.Length));
    }

    [Fact]
    public async Task Embeddings_SameInputAndSeed_SameVector_OtherInputOrSeedDiffers()
    {
        await using var a = await Sim.StartAsync(new UpstreamSimOptions { Seed = 7 });
        await using var b = await Sim.StartAsync(new UpstreamSimOptions { Seed = 7 });
        await using var c = await Sim.StartAsync(new UpstreamSimOptions { Seed = 8 });

        var fromA = await EmbedAsync(a, """{"input":["refund policy","shipping"]}""");
        var fromB = await EmbedAsync(b, """{"input":["refund policy","shipping"]}""");
        var fromC = await EmbedAsync(c, """{"input":["refund policy","shipping"]}""");

        Assert.Equal(fromA[0], fromB[0]);
        Assert.Equal(fromA[1], fromB[1]);
        Assert.NotEqual(fromA[0], fromA[1]);
        Assert.NotEqual(fromA[0], fromC[0]);
    }

    [Fact]
    public async Task Embeddings_Base64_DecodesToTheFloatVector()
    {
        await using var sim = await Sim.StartAsync();
        var floats = (await EmbedAsync(sim, """{"input":"x","dimensions":8}"""))[0];

        using var response = await sim.PostAsync("v1/embeddings", """{"input":"x","dimensions":8,"encoding_format":"base64"}""");
        var encoded = (await sim.ReadJsonAsync(response)).GetProperty("data")[0].GetProperty("embedding").GetString()!;
        var bytes = Convert.FromBase64String(encoded);

        Assert.Equal(floats, Enumerable.Range(0, 8).Select(i => BitConverter.ToSingle(bytes, i * 4)).ToArray());
    }

    [Fact]
    public async Task Embeddings_TokenArrayInput_CountsTokens()
    {
        await using var sim = await Sim.StartAsync();

        using var response = await sim.PostAsync("v1/embeddings", """{"input":[[1,2,3],[4]]}""");
        var json = await sim.ReadJsonAsync(response);

        Assert.Equal(2, json.GetProperty("data").GetArrayLength());
        Assert.Equal(4, json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }
}
