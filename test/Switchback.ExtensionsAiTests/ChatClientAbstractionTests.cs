using System.ComponentModel;
using Microsoft.Extensions.AI;
using Switchback.FunctionalTests.Clients;

namespace Switchback.ExtensionsAiTests;

/// <summary>
/// <c>Microsoft.Extensions.AI</c>'s <see cref="IChatClient"/> over the <c>OpenAI</c> package, on chat completions and on the
/// Responses API, against a served gateway: plain, streamed, function invocation and structured output.
/// </summary>
#pragma warning disable OPENAI001 // ResponsesClient is marked for evaluation in OpenAI 2.15.0.
public sealed class ChatClientAbstractionTests(ClientStack stack) : IClassFixture<ClientStack>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Apis => ["chat", "responses"];

    [Theory]
    [MemberData(nameof(Apis))]
    public async Task GetResponse_AnswersWithUsage(string api)
    {
        var response = await Client(api).GetResponseAsync("What is the refund policy?", cancellationToken: Ct);

        Assert.StartsWith("Answer to: What is the refund policy?", response.Text);
        Assert.Equal(response.Text.Split(' ').Length, response.Usage?.OutputTokenCount);
        Assert.True(response.Usage?.InputTokenCount > 0);
    }

    [Theory]
    [MemberData(nameof(Apis))]
    public async Task GetStreamingResponse_StreamsTheAnswerInPieces(string api)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in Client(api).GetStreamingResponseAsync("What is the refund policy?", cancellationToken: Ct))
        {
            updates.Add(update);
        }

        var text = string.Concat(updates.Select(u => u.Text));
        Assert.True(updates.Count(u => u.Text.Length > 0) > 3, $"{updates.Count} updates");
        Assert.StartsWith("Answer to: What is the refund policy?", text);
    }

    [Theory]
    [MemberData(nameof(Apis))]
    public async Task FunctionInvocation_CallsTheFunction_ThenAnswersWithItsResult(string api)
    {
        var calls = new List<string>();
        var lookup = AIFunctionFactory.Create(([Description("what to look up")] string query) =>
        {
            calls.Add(query);
            return $"article about {query}";
        }, "lookup", "Looks a question up in the knowledge base.");
        using var client = new ChatClientBuilder(Client(api)).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync("refund policy", new ChatOptions { Tools = [lookup], ToolMode = ChatToolMode.RequireAny }, Ct);

        Assert.Equal(["refund policy"], calls);
        Assert.Contains(response.Messages, m => m.Contents.OfType<FunctionResultContent>().Any(r => Equals(r.Result?.ToString(), "article about refund policy")));
        Assert.StartsWith("Answer to:", response.Text);
    }

    [Theory]
    [MemberData(nameof(Apis))]
    public async Task FunctionInvocation_Streaming_CallsTheFunction(string api)
    {
        var calls = 0;
        var lookup = AIFunctionFactory.Create((string query) => { calls++; return "found " + query; }, "lookup");
        using var client = new ChatClientBuilder(Client(api)).UseFunctionInvocation().Build();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("refund policy", new ChatOptions { Tools = [lookup], ToolMode = ChatToolMode.RequireAny }, Ct))
        {
            updates.Add(update);
        }

        Assert.Equal(1, calls);
        Assert.Contains(updates, u => u.Contents.OfType<FunctionCallContent>().Any(c => Equals(c.Arguments?["query"]?.ToString(), "refund policy")));
        Assert.StartsWith("Answer to:", string.Concat(updates.Select(u => u.Text)));
    }

    [Theory]
    [MemberData(nameof(Apis))]
    public async Task GetResponseOfT_DeserialisesStructuredOutput(string api)
    {
        var response = await Client(api).GetResponseAsync<Reply>("Summarise the refund policy.", cancellationToken: Ct);

        Assert.True(response.TryGetResult(out var reply), response.Text);
        Assert.StartsWith("Answer to: Summarise the refund policy.", reply.Answer);
    }

    private IChatClient Client(string api) => api == "chat"
        ? stack.OpenAI.GetChatClient("svc").AsIChatClient()
        : stack.OpenAI.GetResponsesClient().AsIChatClient("svc");

    /// <summary>The structured answer: the simulator answers JSON requests with <c>{"answer": …}</c>.</summary>
    public sealed record Reply(string Answer);
}
