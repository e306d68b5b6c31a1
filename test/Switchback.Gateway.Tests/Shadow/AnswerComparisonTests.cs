using Switchback.Gateway.Application;
using Switchback.Gateway.Shadow;

namespace Switchback.Gateway.Tests.Shadow;

public sealed class AnswerComparisonTests
{
    [Theory]
    [InlineData("Hello world", "hello   WORLD", 1.0)]
    [InlineData("Hello, world!", "world hello", 1.0)]
    [InlineData("alpha bravo", "charlie delta", 0.0)]
    [InlineData("alpha bravo charlie", "alpha bravo delta", 0.5)]
    [InlineData("", "  ", 1.0)]
    [InlineData("alpha", "", 0.0)]
    public void Similarity_NormalisedTokenSets_IsJaccard(string a, string b, double expected)
        => Assert.Equal(expected, AnswerComparison.Similarity(a, b), 9);

    [Fact]
    public void JsonEquality_SameObjectOtherKeyOrder_IsEqual()
    {
        Assert.Equal((true, true), AnswerComparison.JsonEquality("""{"a":1,"b":[1,2]}""", """{ "b": [1, 2], "a": 1 }"""));
        Assert.Equal((true, false), AnswerComparison.JsonEquality("""{"a":1}""", """{"a":2}"""));
        Assert.Equal((false, false), AnswerComparison.JsonEquality("""{"a":1}""", "not json"));
        Assert.Equal((false, false), AnswerComparison.JsonEquality("[1]", "[1]"));
    }

    [Fact]
    public void AnswerText_ChatAndCompletionShapes_ReadTheText()
    {
        Assert.Equal("hi", AnswerComparison.AnswerText("""{"choices":[{"message":{"role":"assistant","content":"hi"}}]}"""u8, EndpointKind.Chat));
        Assert.Equal("yo", AnswerComparison.AnswerText("""{"choices":[{"text":"yo"}]}"""u8, EndpointKind.Completions));
        Assert.Null(AnswerComparison.AnswerText("""{"choices":[]}"""u8, EndpointKind.Chat));
        Assert.Null(AnswerComparison.AnswerText("not json"u8, EndpointKind.Chat));
    }
}
