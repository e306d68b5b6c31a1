namespace Switchback.UpstreamSim.Faults;

/// <summary>
/// Decides each request's fate as a pure function of (seed, sequence number), so two simulators with the same
/// seed produce the same outcomes in the same order. Stateless and thread-safe.
/// </summary>
internal sealed class FaultPlanner(SimSettings settings)
{
    private static readonly int[] ErrorStatuses = [500, 502, 503];

    /// <param name="sequence">1-based number of the inference request.</param>
    /// <param name="textAnswer">Whether the request produces text that a silent regression can spoil.</param>
    /// <param name="wantsJson">Whether the request asked for a JSON object, so invalid JSON is a possible regression.</param>
    public RequestPlan Plan(long sequence, bool textAnswer, bool wantsJson)
    {
        var rng = new SimRandom(SimRandom.Mix(settings.Seed, unchecked((ulong)sequence)));

        // Every draw is made whatever the branch, so a rate change never shifts the other draws.
        var fault = rng.NextDouble();
        var kind = rng.NextDouble();
        var regression = rng.NextDouble();
        var regressionKind = rng.NextDouble();
        var latency = settings.Latency.Sample(rng.NextGaussian());
        var salt = rng.NextUInt64();

        if (fault < settings.OomRate)
        {
            return new RequestPlan(SimOutcome.OutOfMemory, 507, BadAnswer.None, latency, salt);
        }

        if (fault < settings.OomRate + settings.ErrorRate)
        {
            if (kind < settings.ResetShare)
            {
                return new RequestPlan(SimOutcome.ConnectionReset, 0, BadAnswer.None, latency, salt);
            }

            var index = Math.Min(ErrorStatuses.Length - 1,
                (int)((kind - settings.ResetShare) / (1 - settings.ResetShare) * ErrorStatuses.Length));
            return new RequestPlan(SimOutcome.ServerError, ErrorStatuses[index], BadAnswer.None, latency, salt);
        }

        if (textAnswer && regression < settings.RegressionRate)
        {
            var bad = PickBadAnswer(regressionKind, wantsJson);
            var outcome = bad switch
            {
                BadAnswer.Wrong => SimOutcome.WrongAnswer,
                BadAnswer.Refusal => SimOutcome.Refusal,
                BadAnswer.InvalidJson => SimOutcome.InvalidJson,
                _ => SimOutcome.UnsafeContent,
            };
            return new RequestPlan(outcome, 200, bad, latency, salt);
        }

        return new RequestPlan(SimOutcome.Ok, 200, BadAnswer.None, latency, salt);
    }

    private static BadAnswer PickBadAnswer(double u, bool wantsJson)
    {
        // Invalid JSON is only a regression when JSON was asked for; otherwise the four other kinds share the draw.
        ReadOnlySpan<BadAnswer> withJson = [BadAnswer.InvalidJson, BadAnswer.Wrong, BadAnswer.Refusal, BadAnswer.Email, BadAnswer.CardNumber];
        var kinds = wantsJson ? withJson : withJson[1..];
        return kinds[Math.Min(kinds.Length - 1, (int)(u * kinds.Length))];
    }
}
