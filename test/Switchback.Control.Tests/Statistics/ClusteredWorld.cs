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
/// Deterministic for a seed.
/// </summary>
internal sealed class ClusteredWorld(WorldOptions options)
{
    private const string Deployment = "svc";

    /// <summary>Runs one rollout of <see cref="WorldOptions.Minutes"/> and returns whether it was rolled back, and after how many seconds.</summary>
    public async Task<(bool RolledBack, int Seconds)> RunAsync(int seed)
    {
        var rng = new Random(seed);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero));
        var signals = new SignalRegistry(time);
        var lengths = new ResponseLengthSignals(time);
        var units = new UnitTracker(time, Options.Create(new UnitOptions { RequestsPerUnit = options.RequestsPerUnit, Window = options.UnitWindow }));
        var observer = new RolloutObserver(new LocalRolloutSignals(signals, lengths, units));
        var users = Users(rng);
        var state = RolloutState.Create($"r-{seed:x8}", Spec(), 1, 2, time.GetUtcNow());
        state = RolloutDecider.Decide(state, new RolloutObservation(time.GetUtcNow()), time.GetUtcNow()).Next;
        observer.Start(state.Id, time.GetUtcNow());
        var routing = new RoutingState(Deployment, 1, 2, (int)Math.Round(options.WeightPercent * 100), Salt: state.Id);
        var stallLeft = 0;
        for (var second = 0; second < options.Minutes * 60; second++)
        {
            stallLeft = stallLeft > 0 ? stallLeft - 1 : rng.NextDouble() < options.StallsPerHour / 3600 ? rng.Next(5, 30) : 0;
            var stall = stallLeft > 0 ? options.StallFactor : 1;
            var requests = Draw.Poisson(rng, options.RequestsPerSecond);
            for (var i = 0; i < requests; i++)
            {
                var user = users.Pick(rng);
                var decision = StickyAssigner.Choose(routing, user.Key);
                for (var attempt = 0; attempt <= options.MaxRetries; attempt++)
                {
                    var regression = decision.IsCandidate ? options.CandidateErrorBoost : 0;
                    var failed = rng.NextDouble() < user.FailureRate + regression;
                    var latency = Draw.LogNormal(rng, options.MedianLatencyMs * user.LatencyFactor * stall * (decision.IsCandidate ? options.CandidateLatencyFactor : 1), 0.4);
                    var sample = failed ? new RequestSample(latency, RequestOutcome.Http5xx) : new RequestSample(latency);
                    signals.Get(Deployment, decision.Version).Record(sample);
                    units.Record(new UnitTicket(Deployment, state.Id, options.Keyed ? decision.KeyHash : 0, decision.Version, decision.IsCandidate, routing.CandidateWeightBps), sample);
                    if (!failed || rng.NextDouble() >= options.RetryProbability)
                    {
                        break;
                    }
                }
            }

            time.Advance(TimeSpan.FromSeconds(1));
            new UnitSweeperProbe(units, routing).Sweep();
            var now = time.GetUtcNow();
            state = RolloutDecider.Decide(state, await observer.ObserveAsync(state, now, CancellationToken.None), now).Next;
            if (state.Phase == RolloutPhase.RolledBack)
            {
                return (true, second + 1);
            }
        }

        return (false, options.Minutes * 60);
    }

    private RolloutSpec Spec()
    {
        var yaml = $"""
            kind: Rollout
            deployment: {Deployment}
            steps:
              - canary: {"{"} weight: {options.WeightPercent.ToString(System.Globalization.CultureInfo.InvariantCulture)}, duration: {options.Minutes + 10}m {"}"}
              - canary: {"{"} weight: 100 {"}"}
            guardrails:
              - {"{"} signal: error_rate, compare: baseline, severity: hard {"}"}
              - {"{"} signal: latency_p95, compare: baseline, max_ratio: 1.25, severity: hard {"}"}
            alpha: 0.01
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
            list[i] = new User($"user-{i}", Draw.LogNormal(rng, 1, options.ActivitySigma), bad ? options.BadClientFailureRate : options.BaseFailureRate, Draw.LogNormal(rng, 1, 0.3));
        }

        return new UserPopulation(list);
    }

    private sealed record User(string Key, double Activity, double FailureRate, double LatencyFactor);

    /// <summary>Picks users in proportion to their activity (binary search over the running sum).</summary>
    private sealed class UserPopulation(User[] users)
    {
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
}
