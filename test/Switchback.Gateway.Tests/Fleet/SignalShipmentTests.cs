using Microsoft.Extensions.Time.Testing;
using Switchback.Gateway.OnlineEvaluators;
using Switchback.Gateway.Fleet;
using Switchback.Gateway.Signals;

namespace Switchback.Gateway.Tests.Fleet;

public sealed class SignalShipmentTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly long S0 = T0.ToUnixTimeSeconds();

    private static (FakeTimeProvider Time, SignalRegistry Signals, ResponseLengthSignals Lengths, SignalShipment Shipment) Create()
    {
        var time = new FakeTimeProvider(T0);
        var signals = new SignalRegistry(time, new SignalOptions { CounterNames = ["refusals", "responses_evaluated"] });
        var lengths = new ResponseLengthSignals(time);
        return (time, signals, lengths, new SignalShipment(signals, lengths, new Switchback.Gateway.Units.UnitTracker(time, Microsoft.Extensions.Options.Options.Create(new Switchback.Gateway.Units.UnitOptions()))));
    }

    [Fact]
    public void CollectUnits_LaterUnitOfAKey_ShipsUnderAMixedOddKey_AndComesBackWithItsPriorWeight()
    {
        var time = new FakeTimeProvider(T0);
        var units = new Switchback.Gateway.Units.UnitTracker(time, Microsoft.Extensions.Options.Options.Create(new Switchback.Gateway.Units.UnitOptions()));
        var shipment = new SignalShipment(new SignalRegistry(time), new ResponseLengthSignals(time), units);
        var from = time.GetUtcNow().ToUnixTimeSeconds();
        units.Record(new Switchback.Gateway.Units.UnitTicket("svc", "r-1", 9, 1, false, 100), new RequestSample(10));
        units.Sweep(_ => ("r-1", 500));
        units.Record(new Switchback.Gateway.Units.UnitTicket("svc", "r-1", 9, 2, true, 500), new RequestSample(20));
        time.Advance(TimeSpan.FromSeconds(3));
        units.Sweep(_ => ("r-1", 500));

        var rows = shipment.CollectUnits("a", from, from + 10).OrderBy(r => r.WeightBps).ToList();

        Assert.Equal(2, rows.Count);
        Assert.Equal((9L, 0), (rows[0].KeyHash, rows[0].PriorBps));
        Assert.Equal((9L ^ (100L << 40), 100), (rows[1].KeyHash, rows[1].PriorBps));
        Assert.All(rows, r => Assert.Equal(1L, r.KeyHash & 1));
        Assert.Equal(100, SignalShipment.ToRecord(rows[1]).PriorBps);
    }

    [Fact]
    public void CollectUnits_EvaluationUnitOfAKeyWithARequestUnit_ShipsUnderAnotherOddKey_AndComesBackAsAnEvaluationUnit()
    {
        var time = new FakeTimeProvider(T0);
        var units = new Switchback.Gateway.Units.UnitTracker(time, Microsoft.Extensions.Options.Options.Create(new Switchback.Gateway.Units.UnitOptions()));
        var shipment = new SignalShipment(new SignalRegistry(time), new ResponseLengthSignals(time), units);
        var ticket = new Switchback.Gateway.Units.UnitTicket("svc", "r-1", 9, 2, true, 500);
        units.Record(ticket, new RequestSample(10));
        units.RecordEvaluation(ticket, Switchback.Gateway.Units.UnitFlags.Refusal | Switchback.Gateway.Units.UnitFlags.JsonChecked);
        units.RecordEvaluation(ticket with { KeyHash = 0 }, Switchback.Gateway.Units.UnitFlags.Empty);
        time.Advance(TimeSpan.FromSeconds(3));
        units.Sweep(_ => ("r-1", 500));

        var rows = shipment.CollectUnits("a", S0, S0 + 10);

        Assert.Equal(3, rows.Count);
        var request = rows.Single(r => r.Kind == 0);
        var keyed = rows.Single(r => r.Kind == 1 && (r.KeyHash & 1) == 1);
        var keyless = rows.Single(r => r.Kind == 1 && (r.KeyHash & 1) == 0);
        Assert.Equal(9L, request.KeyHash);
        Assert.NotEqual(request.KeyHash, keyed.KeyHash);
        var back = SignalShipment.ToRecord(keyed);
        Assert.Equal((Switchback.Gateway.Units.UnitKind.Evaluation, Switchback.Gateway.Units.UnitFlags.Refusal | Switchback.Gateway.Units.UnitFlags.JsonChecked, 1, 500, true),
            (back.Kind, (Switchback.Gateway.Units.UnitFlags)back.Failures, back.Requests, back.WeightBps, back.Candidate));
        Assert.Equal(Switchback.Gateway.Units.UnitFlags.Empty, (Switchback.Gateway.Units.UnitFlags)SignalShipment.ToRecord(keyless).Failures);
        Assert.Throws<FormatException>(() => SignalShipment.ToRecord(keyed with { Kind = 7 }));
    }

    [Fact]
    public void CollectThenMerge_ThreeReplicas_EqualsOneProcessThatSawEverything()
    {
        var replicas = Enumerable.Range(0, 3).Select(_ => Create()).ToArray();
        var whole = Create();
        var random = new Random(7);
        for (var second = 0; second < 5; second++)
        {
            foreach (var r in replicas.Append(whole))
            {
                r.Time.SetUtcNow(T0.AddSeconds(second).AddMilliseconds(100));
            }

            for (var i = 0; i < 200; i++)
            {
                var replica = replicas[random.Next(3)];
                var version = random.Next(2) + 1;
                var outcome = random.NextDouble() < 0.1 ? RequestOutcome.Http5xx : RequestOutcome.Ok;
                var sample = new RequestSample(random.NextDouble() * 900 + 1, outcome, random.Next(50), random.Next(80), version == 2 ? random.NextDouble() * 100 : null);
                var length = random.Next(1, 4000);
                var refusal = random.Next(4) == 0;
                var feedback = random.Next(10) == 0 ? (double?)(random.Next(2) == 0 ? -1 : 1) : null;
                foreach (var target in new[] { replica, whole })
                {
                    var signals = target.Signals.Get("svc", version);
                    signals.Record(sample);
                    signals.AddCounter(1);
                    if (refusal)
                    {
                        signals.AddCounter(0);
                    }

                    if (feedback is { } score)
                    {
                        signals.RecordFeedback(score, escalated: score < 0);
                    }

                    target.Lengths.Record("svc", version, length);
                }
            }
        }

        foreach (var r in replicas.Append(whole))
        {
            r.Time.SetUtcNow(T0.AddSeconds(6));
        }

        var rows = replicas.SelectMany((r, i) => r.Shipment.Collect($"replica-{i}", S0, S0 + 6).Rows).ToList();
        var reader = Create().Shipment;
        foreach (var version in new[] { 1, 2 })
        {
            var (merged, lengths) = reader.Merge(rows, "svc", version, T0, T0.AddSeconds(6));
            var expected = whole.Signals.Get("svc", version).Aggregate(T0, T0.AddSeconds(6));
            var expectedLengths = whole.Lengths.Registry.Get("svc", version).Aggregate(T0, T0.AddSeconds(6)).LatencySketch;

            Assert.True(merged.Requests > 0);
            Assert.Equal(expected.Requests, merged.Requests);
            Assert.Equal(expected.Errors, merged.Errors);
            Assert.Equal((expected.TokensIn, expected.TokensOut), (merged.TokensIn, merged.TokensOut));
            Assert.Equal(expected.Feedback, merged.Feedback);
            Assert.Equal(expected.Counters, merged.Counters);
            Assert.Equal(expected.Latency, merged.Latency);
            Assert.Equal(expected.TimeToFirstToken, merged.TimeToFirstToken);
            Assert.Equal(expected.LatencySketch.Sum, merged.LatencySketch.Sum, 6);
            Assert.Equal(expectedLengths.Count, lengths.Count);
            foreach (var q in new[] { 0.1, 0.5, 0.9, 0.99 })
            {
                Assert.Equal(expectedLengths.Quantile(q), lengths.Quantile(q));
                Assert.Equal(expected.LatencySketch.CountAbove(q * 900), merged.LatencySketch.CountAbove(q * 900));
            }
        }
    }

    [Fact]
    public void Collect_SkipsEmptySecondsAndTheSecondUnderWay()
    {
        var (time, signals, _, shipment) = Create();
        signals.Get("svc", 1).Record(new RequestSample(5));
        time.Advance(TimeSpan.FromSeconds(3));
        signals.Get("svc", 1).Record(new RequestSample(5));

        var (rows, requests) = shipment.Collect("r", S0, S0 + 3);

        var row = Assert.Single(rows);
        Assert.Equal((S0, 1, "r"), (row.Second, row.Version, row.Replica));
        Assert.Equal(1, requests);
    }

    [Fact]
    public void Merge_UnknownCounterName_IsSkipped_KnownOnesAdd()
    {
        var sender = Create();
        var sending = new SignalRegistry(sender.Time, new SignalOptions { CounterNames = ["from_a_newer_build", "refusals"] });
        sending.Get("svc", 1).AddCounter(0, 5);
        sending.Get("svc", 1).AddCounter(1, 2);
        sending.Get("svc", 1).Record(new RequestSample(3));
        sender.Time.Advance(TimeSpan.FromSeconds(1));
        var rows = new SignalShipment(sending, sender.Lengths, new Switchback.Gateway.Units.UnitTracker(sender.Time, Microsoft.Extensions.Options.Options.Create(new Switchback.Gateway.Units.UnitOptions()))).Collect("r", S0, S0 + 1).Rows;

        var (merged, _) = Create().Shipment.Merge(rows, "svc", 1, T0, T0.AddSeconds(1));

        Assert.Equal(2, merged.Counters["refusals"]);
        Assert.Equal(0, merged.Counters["responses_evaluated"]);
        Assert.False(merged.Counters.ContainsKey("from_a_newer_build"));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 9 })]
    [InlineData(new byte[] { 1, 0x80 })]
    [InlineData(new byte[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 })]
    public void Merge_BrokenPayload_ThrowsFormatException(byte[] payload)
    {
        var reader = Create().Shipment;
        var row = new Switchback.Storage.Fleet.SignalWindowRow("r", "svc", 1, S0, payload);

        Assert.Throws<FormatException>(() => reader.Merge([row], "svc", 1, T0, T0.AddSeconds(1)));
    }

    [Fact]
    public void Merge_EveryTruncationOfAGoodPayload_ThrowsFormatExceptionNeverAnotherError()
    {
        var (time, signals, lengths, shipment) = Create();
        signals.Get("svc", 1).Record(new RequestSample(12, RequestOutcome.Ok, 3, 4, 2));
        signals.Get("svc", 1).AddCounter(0, 3);
        lengths.Record("svc", 1, 100);
        time.Advance(TimeSpan.FromSeconds(1));
        var good = Assert.Single(shipment.Collect("r", S0, S0 + 1).Rows).Payload;

        for (var cut = 0; cut < good.Length; cut++)
        {
            var row = new Switchback.Storage.Fleet.SignalWindowRow("r", "svc", 1, S0, good[..cut]);
            Assert.Throws<FormatException>(() => Create().Shipment.Merge([row], "svc", 1, T0, T0.AddSeconds(1)));
        }

        var longer = new Switchback.Storage.Fleet.SignalWindowRow("r", "svc", 1, S0, [.. good, 0]);
        Assert.Throws<FormatException>(() => Create().Shipment.Merge([longer], "svc", 1, T0, T0.AddSeconds(1)));
    }
}
