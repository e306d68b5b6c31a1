using System.Text;
using Switchback.Gateway.Forwarding;

namespace Switchback.Gateway.Tests.Forwarding;

public sealed class UsageTests
{
    [Theory]
    [InlineData("""{"id":"x","choices":[{"usage":{"prompt_tokens":99}}],"usage":{"prompt_tokens":12,"completion_tokens":30,"total_tokens":42}}""", 12, 30)]
    [InlineData("""{"usage":{"completion_tokens":5,"extra":{"prompt_tokens":7}},"model":"m"}""", 0, 5)]
    [InlineData("""{"usage":{"prompt_tokens":-3,"completion_tokens":1.5}}""", 0, 0)]
    [InlineData("""{"usage":{"prompt_tokens":"12","completion_tokens":30}}""", 0, 30)]
    [InlineData("""{"usage":[1,2]}""", 0, 0)]
    [InlineData("""{"id":"no usage"}""", 0, 0)]
    [InlineData("""{"usage":{"prompt_tokens":12,"completion_tokens":30},"choices":[""", 0, 0)]
    [InlineData("""[{"usage":{"prompt_tokens":1}}]""", 0, 0)]
    [InlineData("""{"id":"resp_1","object":"response","output":[],"usage":{"input_tokens":9,"input_tokens_details":{"cached_tokens":0},"output_tokens":21,"total_tokens":30}}""", 9, 21)]
    [InlineData("""{"type":"response.completed","sequence_number":9,"response":{"id":"r","usage":{"input_tokens":4,"output_tokens":6}}}""", 4, 6)]
    [InlineData("""{"type":"response.created","response":{"id":"r","usage":null}}""", 0, 0)]
    [InlineData("""{"response":{"response":{"usage":{"input_tokens":4}}}}""", 0, 0)]
    [InlineData("not json", 0, 0)]
    [InlineData("", 0, 0)]
    public void ReadUsage_AnyBody_CountsOnlyTopLevelUsageOfValidJson(string body, long tokensIn, long tokensOut)
        => Assert.Equal((tokensIn, tokensOut), UpstreamForwarder.ReadUsage(Encoding.UTF8.GetBytes(body)));
}
