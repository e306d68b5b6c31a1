using Switchback.Core.OnlineEvaluators;

namespace Switchback.Core.Tests.OnlineEvaluators;

public sealed class RefusalDetectorTests
{
    private static readonly ResponseEvaluator Evaluator = new(EvaluatorOptions.Default);

    [Theory]
    [InlineData("I'm sorry, but I can't help with that request.")]
    [InlineData("I’m sorry, but I can’t do that.")] // typographic apostrophes
    [InlineData("i`m SORRY,   but\n I CANʼT share that.")]
    [InlineData("Unfortunately I cannot help with medical dosing.")]
    [InlineData("As an AI language model, I do not have opinions.")]
    public void Evaluate_RefusalVariant_FlagsRefusal(string text) => Assert.True(Evaluator.Evaluate(EvaluationInput.FromText(text)).Refusal);

    [Theory]
    [InlineData("Sure! Here is the refund policy.")]
    [InlineData("I'm sorry to hear that; here is how to reset your password.")]
    [InlineData("I can help with that.")]
    [InlineData("")]
    public void Evaluate_Answer_DoesNotFlagRefusal(string text) => Assert.False(Evaluator.Evaluate(EvaluationInput.FromText(text)).Refusal);

    [Fact]
    public void Evaluate_PhraseBeyondWindow_DoesNotFlagRefusal()
    {
        var text = new string('x', 2000) + " As an AI language model";

        Assert.False(Evaluator.Evaluate(EvaluationInput.FromText(text)).Refusal);
    }

    [Fact]
    public void Evaluate_ConfiguredPhrase_FlagsRefusal()
    {
        var evaluator = new ResponseEvaluator(EvaluatorOptions.Default with { RefusalPhrases = ["Das kann ich nicht"] });

        Assert.True(evaluator.Evaluate(EvaluationInput.FromText("Leider: das KANN ich nicht.")).Refusal);
        Assert.False(evaluator.Evaluate(EvaluationInput.FromText("As an AI language model")).Refusal);
    }

    [Fact]
    public void Evaluate_RefusalDisabled_DoesNotFlag()
    {
        var evaluator = new ResponseEvaluator(EvaluatorOptions.Default with { DetectRefusals = false });

        Assert.False(evaluator.Evaluate(EvaluationInput.FromText("I cannot help with that.")).Refusal);
    }
}
