using Switchback.Core.OnlineEvaluators.Detectors;

namespace Switchback.Core.Tests.OnlineEvaluators;

public sealed class LuhnTests
{
    [Theory]
    [InlineData("4111111111111111", true)]
    [InlineData("79927398713", true)]
    [InlineData("378282246310005", true)]
    [InlineData("4111111111111112", false)]
    [InlineData("79927398710", false)]
    [InlineData("", false)]
    [InlineData("4111x11111111111", false)]
    public void IsValid_Digits_MatchesTheCheckDigit(string digits, bool expected) => Assert.Equal(expected, Luhn.IsValid(digits));
}
