using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Switchback.Control.Rollouts;
using Switchback.Core.Manifests;
using Switchback.Core.Rollouts;
using Switchback.Core.Routing;
using Switchback.Core.Tests.Analysis;
using Switchback.Gateway.OnlineEvaluators;
using Switchback.Gateway.Signals;
using Switchback.Gateway.Units;

namespace Switchback.Control.Tests.Statistics;

/// <summary>
/// Traffic shaped like production for a canary, run through the production code path — the sticky assigner, the unit
/// tracker, the signal rings, the rollout observer and the pure decider — on a fake clock, one rollout per call. Users have
/// heavy-tailed activity (log-normal rates) and their own latency; a share of clients fail a share of their requests
/// whatever the version; a failed request is retried by its client (same key); the replica stalls now and then (every request
/// of a stall slower, both arms alike). Routing is always sticky by user; with <see cref="WorldOptions.Keyed"/> false the
/// same traffic is analysed the way Switchback did before units (every request independent), to show what that costs.
/// With <see cref="WorldOptions.Steps"/> the canary ramps through several weights, the routing following the decider's own
/// routing actions; with <see cref="WorldOptions.DriftAmplitude"/> the base failure rate and the traffic follow a daily curve.
/// A <see cref="TrafficRecord"/> passed to <see cref="RunAsync(int, TrafficRecord?)"/> receives every minute of both arms
/// (what a metrics store would hold), so other methods can judge the same traffic; the world then runs its whole length.
/// With <see cref="WorldOptions.Evaluated"/> every successful answer is also judged by an online evaluator (a refusal or not,
/// each user with a refusal propensity of their own, a few users asking what is often refused) through the production
/// <see cref="EvaluationRecorder"/>, and the plan's only guardrail is <c>refusal_rate</c>. With <see cref="WorldOptions.Voted"/>
/// the same propensities are instead how often a user's vote on an answer is a thumbs-down, a share of answers gets a vote
/// (through the production <see cref="FeedbackRecorder"/>, with the unit the signed request id would carry; at once, where a
/// real vote comes later), and the only guardrail is <c>thumbs_down_rate</c>. Deterministic for a seed.
/// </summary>
internal sealed class ClusteredWorld(WorldOptions options)
{
    private const string Deployment = "svc";

    /// <summary>Runs one rollout of <see cref="WorldOptions.Minutes"/> and returns whether it was rolled back, and after how many seconds.</summary>
    public Task<(bool RolledBack, int Seconds)> RunAsync(int seed) => RunAsync(seed, null);

    /// <summary>
    /// Runs one rollout; with a <paramref name="record"/>, every minute of both arms is written to it and the world runs its whole
    /// length even after a rollback (the routing then follows the plan's schedule, as if nothing had decided), so other methods
    /// see the same traffic whatever Switchback did.
    /// </summary>
    public async Task<(bool RolledBack, int Seconds)> RunAsync(int seed, TrafficRecord? record)
    {
        var rng = new Random(seed);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero));
        var signals = new SignalRegistry(time, new SignalOptions { CounterNames = EvaluationCounters.All });
        var lengths = new ResponseLengthSignals(time);
        var units = new UnitTracker(time, Options.Create(new UnitOptions { RequestsPerUnit = options.RequestsPerUnit, Window = options.UnitWindow }));
        var evaluations = new EvaluationRecorder(signals, lengths, units);
        var votes = new FeedbackRecorder(signals, units, new Core.Routing.RoutingTableHolder());

        // Evaluation draws come from a stream of their own, so the request traffic of a seed is the same with or without them.
        var evaluationRng = new Random(~seed);
        var observer = new RolloutObserver(new LocalRolloutSignals(signals, lengths, units));
        var users = Users(rng);
        var refusalRates = users.RefusalRates(evaluationRng, options);
        var state = RolloutState.Create($"r-{seed:x8}", Spec(), 1, 2, time.GetUtcNow());
        state = RolloutDecider.Decide(state, new RolloutObservation(time.GetUtcNow()), time.GetUtcNow()).Next;
        observer.Start(state.Id, time.GetUtcNow());
        var schedule = options.Schedule;
        var routing = new RoutingState(Deployment, 1, 2, Bps(schedule[0].Percent), Salt: state.Id);
        int? rolledBackAfter = null;
        var stallLeft = 0;
        for (var second = 0; second < options.Minutes * 60; second++)
        {
            stallLeft = stallLeft > 0 ? stallLeft - 1 : rng.NextDouble() < options.StallsPerHour / 3600 ? rng.Next(5, 30) : 0;
            var stall = stallLeft > 0 ? options.StallFactor : 1;
            var daily = options.Daily(second);
            var requests = Draw.Poisson(rng, options.RequestsPerSecond * daily);
            for (var i = 0; i < requests; i++)
            {
                var user = users.Pick(rng);
                var decision = StickyAssigner.Choose(routing, user.Key);
                for (var attempt = 0; attempt <= options.MaxRetries; attempt++)
                {
                    var regression = decision.IsCandidate ? options.CandidateErrorBoost : 0;
                    var failed = rng.NextDouble() < (user.FailureRate * daily) + regression;
                    var latency = Draw.LogNormal(rng, options.MedianLatencyMs * user.LatencyFactor * stall * (decision.IsCandidate ? options.CandidateLatencyFactor : 1), 0.4);
                    record?.Add(decision.IsCandidate, latency, failed);
                    if (rolledBackAfter is null)
                    {
                        var sample = failed ? new RequestSample(latency, RequestOutcome.Http5xx) : new RequestSample(latency);
                        signals.Get(Deployment, decision.Version).Record(sample);
                        var ticket = new UnitTicket(Deployment, state.Id, options.Keyed ? decision.KeyHash : 0, decision.Version, decision.IsCandidate, routing.CandidateWeightBps);
                        units.Record(ticket, sample);
                        if (options.Evaluated && !failed && evaluationRng.NextDouble() < options.EvaluationSampleRate)
                        {
                            var refusal = evaluationRng.NextDouble() < refusalRates[user.Index] * (decision.IsCandidate ? options.CandidateRefusalFactor : 1);
                            evaluations.Record(Deployment, decision.Version, new Core.OnlineEvaluators.EvaluationResult { Refusal = refusal }, ticket);
                        }

                        if (options.Voted && !failed && evaluationRng.NextDouble() < options.EvaluationSampleRate)
                        {
                            var down = evaluationRng.NextDouble() < refusalRates[user.Index] * (decision.IsCandidate ? options.CandidateRefusalFactor : 1);
                            votes.Record(Deployment, decision.Version, down ? -1 : 1, escalated: false, ticket);
                        }
                    }

                    if (!failed || rng.NextDouble() >= options.RetryProbability)
                    {
                        break;
                    }
                }
            }

            time.Advance(TimeSpan.FromSeconds(1));
            if ((second + 1) % 60 == 0)
            {
                record?.EndMinute();
            }

            if (rolledBackAfter is not null)
            {
                routing = routing with { CandidateWeightBps = Bps(options.ScheduledPercent(second + 1)) };
                continue;
            }

            new UnitSweeperProbe(units, routing).Sweep();
            var now = time.GetUtcNow();
            var decided = RolloutDecider.Decide(state, await observer.ObserveAsync(state, now, CancellationToken.None), now);
            state = decided.Next;
            if (state.Phase == RolloutPhase.RolledBack)
            {
                rolledBackAfter = second + 1;
                if (record is null)
                {
                    break;
                }

                continue;
            }

            // The routing follows the decider's own actions, as the controller applies them.
            foreach (var action in decided.Actions)
            {
                if (action is SetRoutingAction set)
                {
                    routing = routing with { CandidateWeightBps = set.CandidateWeightBps };
                }
            }
        }

        return rolledBackAfter is { } after ? (true, after) : (false, options.Minutes * 60);
    }

    private static int Bps(double percent) => (int)Math.Round(percent * 100);

    private RolloutSpec Spec()
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var schedule = options.Schedule;
        var steps = string.Join("\n", schedule.Select((s, i) => string.Create(c,
            $"  - canary: {{ weight: {s.Percent}, duration: {(i == schedule.Count - 1 ? options.Minutes + 10 : s.Minutes)}m, min_requests: {options.StepMinRequests} }}")));
        var guardrails = options.Evaluated ? "  - { signal: refusal_rate, compare: baseline, severity: hard }"
            : options.Voted ? "  - { signal: thumbs_down_rate, compare: baseline, severity: hard }"
            : "  - { signal: error_rate, compare: baseline, severity: hard }\n  - { signal: latency_p95, compare: baseline, max_ratio: 1.25, severity: hard }";
        var yaml = $"""
            kind: Rollout
            deployment: {Deployment}
            steps:
            {steps}
              - canary: {"{"} weight: 100 {"}"}
            guardrails:
            {guardrails}
            alpha: {options.Alpha.ToString(c)}
            """;
        var read = ManifestReader.Read(yaml, "world.yaml");
        return RolloutSpec.Parse((RolloutManifest)read.Documents[0], "world.yaml").Spec!;
    }

    private UserPopulation Users(Random rng)
    {
        var list = new User[options.Users];
        for (var i = 0; i < list.Length; i++)
        {
            var bad = rng.NextDouble() < options.BadClientShare;
            list[i] = new User(i, $"user-{i}", Draw.LogNormal(rng, 1, options.ActivitySigma), bad ? options.BadClientFailureRate : options.BaseFailureRate, Draw.LogNormal(rng, 1, 0.3));
        }

        return new UserPopulation(list);
    }

    private sealed record User(int Index, string Key, double Activity, double FailureRate, double LatencyFactor);

    /// <summary>Picks users in proportion to their activity (binary search over the running sum).</summary>
    private sealed class UserPopulation(User[] users)
    {
        /// <summary>Each user's refusal propensity: <see cref="WorldOptions.RefusingUserShare"/> of them ask what is often refused.</summary>
        public double[] RefusalRates(Random rng, WorldOptions options)
            => [.. users.Select(_ => rng.NextDouble() < options.RefusingUserShare ? options.RefusingUserRate : options.BaseRefusalRate)];

        private readonly double[] cumulative = users.Select(u => u.Activity).Aggregate(new List<double>(), (l, a) => { l.Add((l.Count == 0 ? 0 : l[^1]) + a); return l; }).ToArray();

        public User Pick(Random rng)
        {
            var target = rng.NextDouble() * cumulative[^1];
            var index = Array.BinarySearch(cumulative, target);
            return users[Math.Min(index < 0 ? ~index : index, users.Length - 1)];
        }
    }

    /// <summary>The unit sweeper's job against this world's fixed routing.</summary>
    private sealed class UnitSweeperProbe(UnitTracker units, RoutingState routing)
    {
        public void Sweep() => units.Sweep(_ => (routing.Salt, routing.CandidateWeightBps));
    }
}

/// <summary>The shape of a <see cref="ClusteredWorld"/>.</summary>
internal sealed record WorldOptions
{
    public bool Keyed { get; init; } = true;

    public int Users { get; init; } = 5_000;

    public double ActivitySigma { get; init; } = 1.5;

    public double RequestsPerSecond { get; init; } = 50;

    public double WeightPercent { get; init; } = 5;

    public int Minutes { get; init; } = 30;

    public double BaseFailureRate { get; init; } = 0.01;

    public double BadClientShare { get; init; } = 0.03;

    public double BadClientFailureRate { get; init; } = 0.2;

    public double RetryProbability { get; init; } = 0.5;

    public int MaxRetries { get; init; } = 2;

    public double MedianLatencyMs { get; init; } = 200;

    public double StallsPerHour { get; init; } = 12;

    public double StallFactor { get; init; } = 1.6;

    public double CandidateErrorBoost { get; init; }

    public double CandidateLatencyFactor { get; init; } = 1;

    public int RequestsPerUnit { get; init; } = 5;

    public TimeSpan UnitWindow { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The plan's alpha.</summary>
    public double Alpha { get; init; } = 0.01;

    /// <summary>Whether answers are evaluated and the plan guards <c>refusal_rate</c> (alone) instead of errors and latency.</summary>
    public bool Evaluated { get; init; }

    /// <summary>
    /// Whether answers get votes and the plan guards <c>thumbs_down_rate</c> (alone); the refusal settings below are then the
    /// users' thumbs-down propensities and <see cref="EvaluationSampleRate"/> the share of answers voted on.
    /// </summary>
    public bool Voted { get; init; }

    /// <summary>The share of successful answers the evaluator samples.</summary>
    public double EvaluationSampleRate { get; init; } = 0.5;

    /// <summary>How often an ordinary user's answer is a refusal, whatever the version.</summary>
    public double BaseRefusalRate { get; init; } = 0.02;

    /// <summary>The share of users who ask what is often refused.</summary>
    public double RefusingUserShare { get; init; } = 0.03;

    /// <summary>How often such a user's answer is a refusal, whatever the version.</summary>
    public double RefusingUserRate { get; init; } = 0.4;

    /// <summary>How many times as often the candidate refuses (1: an A/A).</summary>
    public double CandidateRefusalFactor { get; init; } = 1;

    /// <summary>The canary's steps (weight in percent, minutes); null for one step at <see cref="WeightPercent"/> for the whole run.</summary>
    public IReadOnlyList<(double Percent, int Minutes)>? Steps { get; init; }

    /// <summary>Requests per arm each step needs (the plan's <c>min_requests</c>).</summary>
    public int StepMinRequests { get; init; } = 50;

    /// <summary>How far the daily curve moves the base failure rate and the traffic: 0.5 means from 1× up to 1.5× and down to 0.5×.</summary>
    public double DriftAmplitude { get; init; }

    /// <summary>The period of the daily curve in minutes (1,440 is a day; shorter compresses a day into the run).</summary>
    public double DriftPeriodMinutes { get; init; } = 1_440;

    /// <summary>The steps as run: <see cref="Steps"/>, or one step at <see cref="WeightPercent"/>.</summary>
    public IReadOnlyList<(double Percent, int Minutes)> Schedule => Steps ?? [(WeightPercent, Minutes)];

    /// <summary>The daily factor at a second of the run; the run starts at the curve's steepest rise.</summary>
    public double Daily(int second) =>
        DriftAmplitude == 0 ? 1 : 1 + (DriftAmplitude * Math.Sin(2 * Math.PI * second / (DriftPeriodMinutes * 60)));

    /// <summary>The weight the plan's schedule gives at a second, as if every step passed on time.</summary>
    public double ScheduledPercent(int second)
    {
        var minutes = 0;
        foreach (var (percent, length) in Schedule)
        {
            minutes += length;
            if (second < minutes * 60)
            {
                return percent;
            }
        }

        return Schedule[^1].Percent;
    }
}

/// <summary>
/// What a metrics store would hold of a <see cref="ClusteredWorld"/> run: for each minute and arm, requests (retries included),
/// failures and the exact p95 and p99 of latency — the per-interval series other methods (Kayenta, Flagger) judge.
/// </summary>
internal sealed class TrafficRecord
{
    private readonly List<double> _baseline = [];
    private readonly List<double> _candidate = [];
    private long _baselineFailed;
    private long _candidateFailed;

    /// <summary>The minutes so far, oldest first.</summary>
    public List<MinuteOfTraffic> Minutes { get; } = [];

    public void Add(bool candidate, double latencyMs, bool failed)
    {
        (candidate ? _candidate : _baseline).Add(latencyMs);
        if (failed)
        {
            _ = candidate ? ++_candidateFailed : ++_baselineFailed;
        }
    }

    public void EndMinute()
    {
        Minutes.Add(new MinuteOfTraffic(Arm(_baseline, _baselineFailed), Arm(_candidate, _candidateFailed)));
        _baseline.Clear();
        _candidate.Clear();
        _baselineFailed = 0;
        _candidateFailed = 0;
    }

    private static ArmMinute Arm(List<double> latencies, long failed)
    {
        if (latencies.Count == 0)
        {
            return new ArmMinute(0, 0, double.NaN, double.NaN);
        }

        latencies.Sort();
        return new ArmMinute(latencies.Count, failed, Quantile(latencies, 0.95), Quantile(latencies, 0.99));
    }

    /// <summary>The nearest-rank quantile, as a histogram_quantile over fine buckets would give it.</summary>
    private static double Quantile(List<double> sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
}

/// <summary>One minute of both arms.</summary>
internal sealed record MinuteOfTraffic(ArmMinute Baseline, ArmMinute Candidate);

/// <summary>One arm's minute: requests, failed requests, and latency p95 and p99 in ms (NaN without requests).</summary>
internal sealed record ArmMinute(long Requests, long Failed, double P95, double P99)
{
    public double FailureRate => Requests == 0 ? double.NaN : (double)Failed / Requests;
}
