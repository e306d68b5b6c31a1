using System.Text;
using Switchback.Core.Evaluation;
using Switchback.Gateway.Evaluation;

namespace Switchback.Gateway.Tests.Evaluation;

public sealed class ResponseTextTests
{
    [Fact]
    public void Read_ChatJson_ReturnsMessageContentAndFinishReason()
    {
        var input = ResponseText.Read("""{"choices":[{"message":{"role":"assistant","content":"hi there"},"finish_reason":"length"}]}"""u8, stream: false);

        Assert.NotNull(input);
        Assert.Equal(("hi there", "length"), (input.Text, input.FinishReason));
        Assert.True(input.IsTruncated);
    }

    [Fact]
    public void Read_CompletionsJson_ReturnsChoiceText()
        => Assert.Equal("done", ResponseText.Read("""{"choices":[{"text":"done","finish_reason":"stop"}]}"""u8, stream: false)?.Text);

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"data":[{"embedding":[0.1]}]}""")]
    [InlineData("""{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[]}}]}""")]
    [InlineData("""{"choices":[]}""")]
    public void Read_NotAnAnswerWithText_ReturnsNull(string body)
        => Assert.Null(ResponseText.Read(Encoding.UTF8.GetBytes(body), stream: false));

    [Fact]
    public void Read_Stream_AssemblesDeltasInOrder()
    {
        var sse = "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\r\n\r\n"
            + "data: {\"choices\":[{\"delta\":{\"content\":\"I'm sorry, \"}}]}\n\n"
            + "data: {\"choices\":[{\"delta\":{\"content\":\"I can't help\"}}]}\n\n"
            + ": keep-alive comment\n\n"
            + "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: [DONE]\n\n";

        var input = ResponseText.Read(Encoding.UTF8.GetBytes(sse), stream: true);

        Assert.NotNull(input);
        Assert.Equal(("I'm sorry, I can't help", "stop", false), (input.Text, input.FinishReason, input.StreamCutOff));
    }

    [Fact]
    public void Read_StreamWithoutFinishOrDone_IsCutOff()
    {
        var input = ResponseText.Read("data: {\"choices\":[{\"delta\":{\"content\":\"{\\\"a\\\":\"}}]}\n\ndata: {broken\n\n"u8, stream: true);

        Assert.NotNull(input);
        Assert.Equal("{\"a\":", input.Text);
        Assert.True(input.StreamCutOff);
    }

    [Fact]
    public void Format_RequestAskingForJsonObject_IsJsonObject()
    {
        Assert.Equal(ResponseFormatKind.JsonObject, ResponseText.Format("""{"response_format":{"type":"json_object"}}"""u8.ToArray()).Kind);
        Assert.Equal(ResponseFormatKind.Text, ResponseText.Format("""{"messages":[]}"""u8.ToArray()).Kind);
        Assert.Equal(ResponseFormatKind.Text, ResponseText.Format("raw bytes"u8.ToArray()).Kind);
    }
}
