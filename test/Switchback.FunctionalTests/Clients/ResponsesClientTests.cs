using System.Text.Json;
using OpenAI.Responses;

namespace Switchback.FunctionalTests.Clients;

/// <summary>The <c>OpenAI</c> NuGet package's <see cref="ResponsesClient"/>, unchanged but for its endpoint, against a served gateway.</summary>
#pragma warning disable OPENAI001 // ResponsesClient is marked for evaluation in OpenAI 2.15.0.
public sealed class ResponsesClientTests(ClientStack stack) : IClassFixture<ClientStack>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ResponsesClient Client => stack.OpenAI.GetResponsesClient();

    [Fact]
    public async Task CreateResponse_Plain_AnswersWithUsageAndSwitchbackHeaders()
    {
        var result = await Client.CreateResponseAsync("svc", "What is the refund policy?", cancellationToken: Ct);
        var response = result.Value;

        Assert.Equal(ResponseStatus.Completed, response.Status);
        Assert.StartsWith("Answer to: What is the refund policy?", response.GetOutputText());
        Assert.Equal(response.GetOutputText().Split(' ').Length, response.Usage.OutputTokenCount);
        var headers = result.GetRawResponse().Headers;
        Assert.True(headers.TryGetValue("x-switchback-version", out var version));
        Assert.Equal("1", version);
        Assert.True(headers.TryGetValue("x-switchback-deployment", out var deployment));
        Assert.Equal("svc", deployment);
    }

    [Fact]
    public async Task CreateResponseStreaming_YieldsTextDeltasThenCompleted()
    {
        var deltas = new List<string>();
        ResponseResult? completed = null;
        await foreach (var update in await Client.CreateResponseStreamingAsync("svc", "What is the refund policy?", cancellationToken: Ct))
        {
            switch (update)
            {
                case StreamingResponseOutputTextDeltaUpdate delta:
                    deltas.Add(delta.Delta);
                    break;
                case StreamingResponseCompletedUpdate done:
                    completed = done.Response;
                    break;
            }
        }

        Assert.True(deltas.Count > 3, $"{deltas.Count} deltas");
        Assert.NotNull(completed);
        Assert.StartsWith("Answer to: What is the refund policy?", string.Concat(deltas));
        Assert.Equal(string.Concat(deltas), completed.GetOutputText());
    }

    [Fact]
    public async Task FunctionTool_Required_ComesBackAsFunctionCallItem_AndItsOutputGetsAnAnswer()
    {
        var options = new CreateResponseOptions("svc", [ResponseItem.CreateUserMessageItem("order 42")])
        {
            Tools = { ResponseTool.CreateFunctionTool("lookup", BinaryData.FromString("""{"type":"object","properties":{"query":{"type":"string"}},"required":["query"]}"""), strictModeEnabled: false, "Looks an order up.") },
            ToolChoice = ResponseToolChoice.CreateRequiredChoice(),
        };

        var first = (await Client.CreateResponseAsync(options, Ct)).Value;

        var call = Assert.IsType<FunctionCallResponseItem>(Assert.Single(first.OutputItems));
        Assert.Equal("lookup", call.FunctionName);
        Assert.Equal("order 42", JsonDocument.Parse(call.FunctionArguments.ToString()).RootElement.GetProperty("query").GetString());

        var followUp = new CreateResponseOptions("svc", [ResponseItem.CreateFunctionCallOutputItem(call.CallId, "shipped yesterday")])
        {
            PreviousResponseId = first.Id,
        };
        var second = (await Client.CreateResponseAsync(followUp, Ct)).Value;
        Assert.Equal(ResponseStatus.Completed, second.Status);
        Assert.StartsWith("Answer to:", second.GetOutputText());
    }

    [Fact]
    public async Task JsonSchemaFormat_AnswersJsonThatMatchesTheSchema()
    {
        var schema = BinaryData.FromString("""{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"],"additionalProperties":false}""");
        var options = new CreateResponseOptions("svc", [ResponseItem.CreateUserMessageItem("Summarise the refund policy.")])
        {
            TextOptions = new ResponseTextOptions { TextFormat = ResponseTextFormat.CreateJsonSchemaFormat("answer", schema, jsonSchemaIsStrict: true) },
        };

        var response = (await Client.CreateResponseAsync(options, Ct)).Value;

        var answer = JsonDocument.Parse(response.GetOutputText()).RootElement.GetProperty("answer").GetString();
        Assert.StartsWith("Answer to: Summarise the refund policy.", answer);
    }

    [Fact]
    public async Task StoredResponse_GetAndDelete_ReachTheVersionThatCreatedIt()
    {
        var created = (await Client.CreateResponseAsync("svc", "Where is order 42?", cancellationToken: Ct)).Value;

        var fetched = (await Client.GetResponseAsync(created.Id, Ct)).Value;
        var deleted = (await Client.DeleteResponseAsync(created.Id, Ct)).Value;

        Assert.Equal(created.GetOutputText(), fetched.GetOutputText());
        Assert.True(deleted.Deleted);
    }
}
