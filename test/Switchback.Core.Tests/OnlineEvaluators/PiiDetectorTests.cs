using Switchback.Core.OnlineEvaluators;

namespace Switchback.Core.Tests.OnlineEvaluators;

public sealed class PiiDetectorTests
{
    private static readonly ResponseEvaluator Evaluator = new(EvaluatorOptions.Default with { DetectRefusals = false });

    private static IReadOnlyList<string> Detect(string text) => Evaluator.Evaluate(EvaluationInput.FromText(text)).SafetyDetectors;

    [Theory]
    [InlineData("Write to jane.doe@example.com for a refund.")]
    [InlineData("contact: first.last+billing@mail.example.co.uk")]
    [InlineData("<JOHN_SMITH@EXAMPLE.ORG>")]
    public void Evaluate_TextWithEmail_FlagsEmail(string text) => Assert.Contains(DetectorNames.Email, Detect(text));

    [Theory]
    [InlineData("Mention @support on the forum.")]
    [InlineData("ssh root@localhost to check")]
    [InlineData("the decorator @property and a@b")]
    [InlineData("Use the format user at example dot com.")]
    public void Evaluate_TextWithoutEmail_DoesNotFlagEmail(string text) => Assert.DoesNotContain(DetectorNames.Email, Detect(text));

    [Theory]
    [InlineData("Call (415) 555-2671 today.")]
    [InlineData("Call 415-555-2671.")]
    [InlineData("Call 415.555.2671")]
    [InlineData("Call 415 555 2671")]
    [InlineData("Call +1 415 555 2671")]
    [InlineData("Call 1-415-555-2671")]
    [InlineData("London office: +44 20 7946 0958.")]
    [InlineData("Berlin: +49-30-1234567")]
    [InlineData("Paris +33 1 23 45 67 89")]
    [InlineData("+61 (2) 9876 5432")]
    public void Evaluate_TextWithPhoneNumber_FlagsPhone(string text) => Assert.Contains(DetectorNames.Phone, Detect(text));

    [Theory]
    [InlineData("The treaty was signed in 1648 and revised in 2024.")]
    [InlineData("Your order #4155552671 has shipped.")]
    [InlineData("Order id 123-456-7890 is invalid")] // area code cannot start with 1
    [InlineData("Released 2024-01-15, build 20240115.")]
    [InlineData("Server at 192.168.100.200 answers.")]
    [InlineData("The sum is 3 + 4 = 7 and +5 degrees.")]
    [InlineData("Version 10.2.3 of the API, ISBN 978-3-16-148410-0.")]
    [InlineData("+1234567890123456789 is too long for E.164")]
    public void Evaluate_TextWithPlainNumbers_DoesNotFlagPhone(string text) => Assert.DoesNotContain(DetectorNames.Phone, Detect(text));

    [Theory]
    [InlineData("Card: 4111 1111 1111 1111.")]
    [InlineData("card 4111-1111-1111-1111 exp 12/27")]
    [InlineData("pay with 5555555555554444 now")]
    [InlineData("Amex 3782 822463 10005")]
    [InlineData("Discover: 6011 0009 9013 9424")]
    [InlineData("Mastercard 2-series 2223003122003222")]
    [InlineData("ext 2671 4111 1111 1111 1111")] // right after another number
    public void Evaluate_TextWithLuhnValidCard_FlagsPaymentCard(string text) => Assert.Contains(DetectorNames.PaymentCard, Detect(text));

    [Theory]
    [InlineData("Card: 4111 1111 1111 1112.")] // fails Luhn
    [InlineData("pay with 5555555555554445 now")] // fails Luhn
    [InlineData("tracking 1234567812345670")] // Luhn-valid, but no card network starts with 1
    [InlineData("id 41111111111111110000")] // 20 digits
    [InlineData("ref A4111111111111111")] // glued to a letter
    [InlineData("4111 1 1 1 1111 1111 1")] // not grouped like a card
    [InlineData("4111 1111-1111 1111")] // mixed separators
    [InlineData("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15")]
    public void Evaluate_TextWithoutCard_DoesNotFlagPaymentCard(string text) => Assert.DoesNotContain(DetectorNames.PaymentCard, Detect(text));

    [Fact]
    public void Evaluate_DetectorsDisabled_FlagsNothing()
    {
        var evaluator = new ResponseEvaluator(EvaluatorOptions.Default with { DetectEmails = false, DetectPhoneNumbers = false, DetectPaymentCards = false });

        var result = evaluator.Evaluate(EvaluationInput.FromText("jane@example.com, (415) 555-2671, 4111 1111 1111 1111"));

        Assert.Equal(0, result.SafetyViolations);
    }

    [Fact]
    public void Evaluate_SeveralKindsAndRepeats_CountsEachDetectorOnce()
    {
        var result = Evaluator.Evaluate(EvaluationInput.FromText("a@example.com b@example.com (415) 555-2671 4111111111111111 4111111111111111"));

        Assert.Equal([DetectorNames.Email, DetectorNames.Phone, DetectorNames.PaymentCard], result.SafetyDetectors);
        Assert.Equal(3, result.SafetyViolations);
    }
}
