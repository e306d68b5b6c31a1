using System.ClientModel;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using Switchback.Gateway.Tests.Hosting;
using Switchback.UpstreamSim;

namespace Switchback.Gateway.Tests.Api;

public sealed class OpenAiSdkTests : IAsyncLifetime
{
    private UpstreamSimulator sim = null!;
    private GatewayHost host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        sim = await UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0, InterTokenLatencyMs = 0 });
        host = await GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "support-bot", GatewayHost.Bundle(sim.BaseAddress, "sim-model")));
    }

    public async ValueTask DisposeAsync()
    {
        await host.DisposeAsync();
        await sim.DisposeAsync();
    }

    private OpenAIClientOptions Options => new() { Endpoint = new Uri(host.Address, "v1") };

    [Fact]
    public async Task Sdk_ChatCompletion_Answers()
    {
        var client = new ChatClient("support-bot", new ApiKeyCredential("client-key"), Options);

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("Where is my order?")], cancellationToken: Ct);

        Assert.StartsWith("Answer to: Where is my order?", completion.Content[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sdk_ChatStreaming_ReceivesEveryChunk()
    {
        var client = new ChatClient("support-bot", new ApiKeyCredential("client-key"), Options);
        var text = new System.Text.StringBuilder();
        var updates = 0;

        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Hello there")], cancellationToken: Ct))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.True(updates > 3, $"only {updates} updates");
        Assert.StartsWith("Answer to: Hello there", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sdk_Embeddings_ReturnVector()
    {
        var client = new EmbeddingClient("support-bot", new ApiKeyCredential("client-key"), Options);

        OpenAIEmbedding embedding = await client.GenerateEmbeddingAsync("refund policy", cancellationToken: Ct);

        Assert.Equal(16, embedding.ToFloats().Length);
    }

    [Fact]
    public async Task Sdk_UnknownDeployment_Surfaces404()
    {
        var client = new ChatClient("no-such-bot", new ApiKeyCredential("client-key"), Options);

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));

        Assert.Equal(404, error.Status);
    }
}
