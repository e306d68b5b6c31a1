namespace Switchback.Core.OfflineEvals.Scorers;

/// <summary>
/// <c>judge</c>: a judge deployment, called through the gateway, scores the answer. <see cref="Rubric"/> is a Liquid template
/// rendered with <c>question</c>, <c>answer</c> and <c>expected</c>; the verdict is parsed by <see cref="JudgeVerdict.Parse"/>.
/// </summary>
/// <param name="Deployment">The judge deployment (optionally <c>name@version</c>).</param>
/// <param name="Rubric">The Liquid template of the judge's user message.</param>
public sealed record JudgeScorer(string Deployment, string Rubric) : Scorer
{
    /// <inheritdoc />
    public override string Type => "judge";

    /// <inheritdoc />
    public override bool NeedsExpected => false;
}
