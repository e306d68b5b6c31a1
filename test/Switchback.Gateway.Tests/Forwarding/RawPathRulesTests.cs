using Switchback.Gateway.Forwarding;

namespace Switchback.Gateway.Tests.Forwarding;

/// <summary>The pieces of <see cref="RawPath"/> that the end-to-end tests cannot reach on their own.</summary>
public sealed class RawPathRulesTests
{
    private static readonly Uri Endpoint = new("http://127.0.0.1:9/base/v1");

    [Theory]
    [InlineData("../x")]
    [InlineData("%2e%2e/x")]
    [InlineData("a/../../x")]
    [InlineData("x?y/../../..")]
    public void Under_SuffixThatUriWouldResolveOutOfTheBase_IsNull(string suffix)
    {
        // The request path checks refuse these first; this is the last check, on the URL actually built.
        var target = RawPath.Under(Endpoint, suffix, null);

        Assert.True(target is null || target.AbsolutePath.StartsWith("/base/v1/", StringComparison.Ordinal), target?.ToString());
    }

    [Fact]
    public void Under_OrdinarySuffixAndQuery_StaysUnderTheBase()
    {
        var target = RawPath.Under(Endpoint, "v2/models/m/infer", "?x=1");

        Assert.Equal("http://127.0.0.1:9/base/v1/v2/models/m/infer?x=1", target?.ToString());
    }

    [Theory]
    [InlineData("a b", "a%20b")]
    [InlineData("a?b#c", "a%3Fb%23c")]
    [InlineData("100%", "100%25")]
    [InlineData("100%2e", "100%252e")]
    [InlineData("x%2Fy", "x%2Fy")]
    [InlineData("caf\u00e9", "caf%C3%A9")]
    [InlineData("m:1;v=2@x", "m:1;v=2@x")]
    public void Encode_DecodedRouteValue_CannotChangeTheUrlStructure(string value, string expected)
        => Assert.Equal(expected, RawPath.Encode(value));

    [Theory]
    [InlineData("..")]
    [InlineData("a/./b")]
    [InlineData("a/...")]
    [InlineData("a/.. ")]
    [InlineData("a/..;jsessionid=1/b")]
    [InlineData("%2e%2e")]
    [InlineData("%252e%252e")]
    [InlineData("%25252e")]
    [InlineData("a%5cb")]
    [InlineData("a%255cb")]
    [InlineData("a%0ab")]
    [InlineData("a%c2%85b")]
    [InlineData("%EF%BC%8F")]
    [InlineData("%252525252e")]
    public void Problem_RefusedForm_IsNamed(string path)
        => Assert.NotNull(RawPath.Problem(path));

    [Theory]
    [InlineData("")]
    [InlineData("invocations")]
    [InlineData("v2/models/m.v1/infer")]
    [InlineData("a%2520b")]
    [InlineData(".well-known/x")]
    [InlineData("...data")]
    public void Problem_OrdinaryPath_IsNull(string path)
        => Assert.Null(RawPath.Problem(path));
}
