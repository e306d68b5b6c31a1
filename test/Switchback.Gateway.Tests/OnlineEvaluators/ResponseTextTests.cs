using System.Text;
using Switchback.Core.OnlineEvaluators;
using Switchback.Gateway.OnlineEvaluators;

namespace Switchback.Gateway.Tests.OnlineEvaluators;

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

    [Theory]
    [InlineData("""{"model":"svc","messages":[]}""")]
    [InlineData("""{"model":"svc","response_format":{"type":"text"}}""")]
    [InlineData("""{"model":"svc","response_format":null}""")]
    [InlineData("""{"model":"svc","response_format":"json_object"}""")]
    [InlineData("""{"model":"svc","response_format":{"type":"yaml"}}""")]
    [InlineData("""{"model":"svc","response_format":{"type":1}}""")]
    public void Format_AbsentOrText_IsText(string body)
        => Assert.Equal(ResponseFormat.Text, ResponseText.Format(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void Format_JsonObject_IsJsonObject()
        => Assert.Equal(ResponseFormat.JsonObject, ResponseText.Format("""{"messages":[{"role":"user","content":"{}"}],"response_format":{"type":"json_object"},"user":"u"}"""u8));

    [Fact]
    public void Format_JsonSchemaWithSchema_CarriesTheSchemaText()
    {
        var format = ResponseText.Format("""{"response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object","required":["a"],"properties":{"a":{"type":"number"}}}}}}"""u8);

        Assert.Equal(ResponseFormat.JsonSchema("""{"type":"object","required":["a"],"properties":{"a":{"type":"number"}}}"""), format);
    }

    [Fact]
    public void Format_JsonSchemaWithoutSchema_IsJsonObject()
        => Assert.Equal(ResponseFormat.JsonObject, ResponseText.Format("""{"response_format":{"type":"json_schema","json_schema":{"name":"x"}}}"""u8));

    [Fact]
    public void Format_ResponsesTextFormatJsonSchema_CarriesTheSchemaBesideTheType()
    {
        var format = ResponseText.Format("""{"input":"x","text":{"verbosity":"low","format":{"type":"json_schema","name":"answer","strict":true,"schema":{"type":"object","properties":{"a":{"type":"number"}}}}}}"""u8);

        Assert.Equal(ResponseFormat.JsonSchema("""{"type":"object","properties":{"a":{"type":"number"}}}"""), format);
    }

    [Theory]
    [InlineData("""{"text":{"format":{"type":"json_object"}}}""", "json_object")]
    [InlineData("""{"text":{"format":{"type":"json_schema","name":"x"}}}""", "json_object")]
    [InlineData("""{"text":{"format":{"type":"json_schema","json_schema":{"schema":{"type":"object"}}}}}""", "json_object")]
    [InlineData("""{"text":{"format":{"type":"text"}}}""", "text")]
    [InlineData("""{"text":{"verbosity":"low"}}""", "text")]
    [InlineData("""{"text":"json_object"}""", "text")]
    [InlineData("""{"text":{"format":{"type":"json_object"}},"text":{"format":{"type":"json_object"}}}""", "text")]
    [InlineData("""{"text":{"format":{"type":"json_object"},"format":{"type":"json_object"}}}""", "text")]
    [InlineData("""{"response_format":{"type":"text"},"text":{"format":{"type":"json_object"}}}""", "text")]
    public void Format_ResponsesTextFormat_ReadLikeResponseFormatAndNeverGuessed(string body, string expected)
        => Assert.Equal(expected == "text" ? ResponseFormat.Text : ResponseFormat.JsonObject, ResponseText.Format(Encoding.UTF8.GetBytes(body)));

    [Theory]
    [InlineData("""{"choices":[{"message":{"role":"assistant","content":"","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}""", false)]
    [InlineData("""{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}""", false)]
    [InlineData("""{"choices":[{"message":{"role":"assistant","content":"Let me look.","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}""", true)]
    [InlineData("""{"choices":[{"message":{"role":"assistant","content":"","tool_calls":[]},"finish_reason":"stop"}]}""", true)]
    public void Read_ChatToolCallWithoutText_IsNotEvaluated(string body, bool evaluated)
        => Assert.Equal(evaluated, ResponseText.Read(Encoding.UTF8.GetBytes(body), stream: false) is not null);

    [Theory]
    [InlineData("data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}\n\ndata: {\"choices\":[{\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n", false)]
    [InlineData("data: {\"choices\":[{\"delta\":{\"content\":\"Let me look.\",\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}\n\ndata: [DONE]\n\n", true)]
    [InlineData("event: response.function_call_arguments.delta\ndata: {\"type\":\"response.function_call_arguments.delta\",\"delta\":\"{}\"}\n\nevent: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{}}\n\n", false)]
    [InlineData("data: {\"choices\":[{\"delta\":{\"content\":\"\"}}]}\n\ndata: [DONE]\n\n", true)]
    public void Read_StreamedToolCallWithoutText_IsNotEvaluated(string body, bool evaluated)
        => Assert.Equal(evaluated, ResponseText.Read(Encoding.UTF8.GetBytes(body), stream: true) is not null);

    [Theory]
    [InlineData("""{"metadata":{"response_format":{"type":"json_object"}}}""")]
    [InlineData("""{"messages":[{"role":"user","content":"x","response_format":{"type":"json_object"}}]}""")]
    [InlineData("""[{"response_format":{"type":"json_object"}}]""")]
    [InlineData("""{"switchback":{"variables":{"response_format":{"type":"json_object"}}},"response_format_x":{"type":"json_object"}}""")]
    public void Format_ResponseFormatNotATopLevelProperty_IsText(string body)
        => Assert.Equal(ResponseFormat.Text, ResponseText.Format(Encoding.UTF8.GetBytes(body)));

    [Theory]
    [InlineData("""{"response_format":{"type":"json_object"}""")]
    [InlineData("""{"response_format":{"type":"json_object"}} trailing""")]
    [InlineData("""{"response_format":{"type":"json_object"},}""")]
    [InlineData("""{"response_format":{"type":"json_object"}, "messages": [1, 2,]}""")]
    [InlineData("""{"response_format":{"type":"json_object"} /* comment */}""")]
    [InlineData("""{"response_format":{"type":"json_object"},"response_format":{"type":"json_object"}}""")]
    [InlineData("""{"response_format":{"type":"json_object","type":"json_object"}}""")]
    [InlineData("")]
    [InlineData("raw bytes")]
    public void Format_MalformedOrAmbiguous_IsText(string body)
        => Assert.Equal(ResponseFormat.Text, ResponseText.Format(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void Format_RepeatedNamesElsewhere_StillReadsTheFormat()
        => Assert.Equal(ResponseFormat.JsonObject, ResponseText.Format("""{"user":"a","user":"b","response_format":{"type":"json_object"}}"""u8));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Format_TenThousandLevelsDeep_IsTextWithoutOverflow(bool insideTheFormat)
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);
        var body = insideTheFormat
            ? """{"response_format":{"type":"json_schema","json_schema":{"schema":{"default":""" + deep + "}}}}"
            : """{"response_format":{"type":"json_object"},"messages":""" + deep + "}";

        Assert.Equal(ResponseFormat.Text, ResponseText.Format(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void Format_InvalidUtf8InTheFormat_IsText()
    {
        byte[] inValue = [.. """{"response_format":{"type":"json_"""u8, 0xFF, .. "object\"}}"u8];
        byte[] inName = [.. """{"response_format":{"type":"json_object","""u8, (byte)'"', 0xC3, 0x28, .. "\":1}}"u8];

        Assert.Equal(ResponseFormat.Text, ResponseText.Format(inValue));
        Assert.Equal(ResponseFormat.Text, ResponseText.Format(inName));
    }

    [Fact]
    public void Format_InvalidUtf8ElsewhereOrInAName_ReadsTheFormat()
    {
        // Strings the scan skips are not decoded (nor were they by a full parse); top-level names are compared as bytes.
        byte[] body = [.. "{\"user\":\""u8, 0xFF, 0xFE, .. "\",\""u8, 0xC3, 0x28, .. "\":1,\"response_format\":{\"type\":\"json_object\"}}"u8];

        Assert.Equal(ResponseFormat.JsonObject, ResponseText.Format(body));
    }

    [Theory]
    [InlineData("""{"model":"svc","messages":[{"role":"user","content":"\u00e9 \ud83d\ude00"}],"response_format":{"type":"json_object"},"temperature":0.2}""")]
    [InlineData("""{"response_format":{"type":"json_schema","json_schema":{"strict":true,"schema":{"type":"object","properties":{"n":{"type":"integer","maximum":1e3}},"x":[1,2.50,"\u00e9"]}}},"stream":true}""")]
    [InlineData("""{"stream":false,"response_format":{"type":"json_schema","json_schema":{"schema":true}}}""")]
    [InlineData("""  {"response_format" : { "type" : "json_object" } }  """)]
    [InlineData("""{"n":[[[[[[[[[[{"response_format":{"type":"json_object"}}]]]]]]]]]]}""")]
    public void Format_WellFormedRequest_SameAsAFullParse(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);

        var full = ResponseFormat.FromRequest(System.Text.Json.Nodes.JsonNode.Parse(bytes)!["response_format"]);

        Assert.Equal(full, ResponseText.Format(bytes));
    }
}
