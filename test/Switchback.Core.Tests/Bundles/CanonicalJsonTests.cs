using System.Text.Json.Nodes;
using Switchback.Core.Bundles;

namespace Switchback.Core.Tests.Bundles;

public sealed class CanonicalJsonTests
{
    [Theory]
    [InlineData("1", "1")]
    [InlineData("1.0", "1")]
    [InlineData("1e0", "1")]
    [InlineData("10e-1", "1")]
    [InlineData("-0", "0")]
    [InlineData("-0.0e5", "0")]
    [InlineData("0.20", "0.2")]
    [InlineData("2e-1", "0.2")]
    [InlineData("1E3", "1000")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    [InlineData("1e-7", "1e-7")]
    [InlineData("-1.5E-10", "-1.5e-10")]
    [InlineData("0.1", "0.1")]
    public void Serialize_Number_IsNormalised(string written, string canonical)
        => Assert.Equal(canonical, CanonicalJson.Serialize(JsonNode.Parse(written)));

    [Fact]
    public void Serialize_Object_SortsKeysByUtf16CodeUnitsWithoutWhitespace()
    {
        // U+FF21 sorts after U+00E9 and "😀" (surrogates D83D..) sorts before U+FF21 in UTF-16 order (unlike code points).
        var node = JsonNode.Parse("""{ "b": 1, "a": [ true, false, null ], "\uFF21": 2, "😀": 3, "é": 4, "B": 5 }""");
        Assert.Equal("{\"B\":5,\"a\":[true,false,null],\"b\":1,\"é\":4,\"😀\":3,\"Ａ\":2}", CanonicalJson.Serialize(node));
    }

    [Fact]
    public void Serialize_String_EscapesOnlyWhatJsonRequires()
    {
        var node = JsonValue.Create("q\"b\\n\n\t\u0001</s>ü\u2028");
        Assert.Equal("\"q\\\"b\\\\n\\n\\t\\u0001</s>ü\u2028\"", CanonicalJson.Serialize(node));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Serialize_NonFiniteNumber_Throws(double value)
        => Assert.Contains("NaN and infinities", Assert.Throws<ArgumentException>(() => CanonicalJson.Serialize(new JsonObject { ["x"] = value })).Message);

    [Fact]
    public void Serialize_UnpairedSurrogateOrHugeNumber_Throws()
    {
        Assert.Throws<ArgumentException>(() => CanonicalJson.Serialize(JsonValue.Create("a\uD800b")));
        Assert.Throws<ArgumentException>(() => CanonicalJson.Serialize(JsonNode.Parse("1e400")));
    }

    [Fact]
    public void Serialize_Null_IsNullLiteral() => Assert.Equal("null", CanonicalJson.Serialize(null));

    [Fact]
    public void Compute_KnownText_IsSha256Hex()
        => Assert.Equal("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", BundleDigest.Compute("{}"));

    [Fact]
    public void Create_InvalidDeployment_Throws()
        => Assert.Throws<ArgumentException>(() => BundleDigest.Create("Bad Name", null, []));

    [Fact]
    public void Create_ValidContent_DigestsCanonicalText()
    {
        var bundle = BundleDigest.Create("support-bot", 3, new JsonObject { ["z"] = 1.0, ["a"] = "x" });
        Assert.Equal("{\"a\":\"x\",\"z\":1}", bundle.CanonicalJson);
        Assert.Equal(BundleDigest.Compute(bundle.CanonicalJson), bundle.Digest);
        Assert.Equal(3, bundle.RequestedVersion);
    }
}
