using System.Diagnostics;
using System.Diagnostics.Metrics;
using Switchback.Gateway.Signals;

namespace Switchback.Gateway.Telemetry;

/// <summary>
/// The GenAI client metrics of the semantic conventions, per upstream attempt, on the meter <c>Switchback.Gateway</c> made by
/// <see cref="IMeterFactory"/>: <c>gen_ai.client.operation.duration</c> (s), <c>gen_ai.client.token.usage</c> (by
/// <c>gen_ai.token.type</c>) and <c>gen_ai.client.operation.time_to_first_chunk</c> (s, streams only), each with
/// <c>switchback.deployment</c> and <c>switchback.version</c>. Nothing is recorded, nor any tag boxed, while no listener
/// enables an instrument. Thread-safe.
/// </summary>
internal sealed class GenAiMetrics
{
    /// <summary>The meter name to subscribe to (<c>AddMeter</c>).</summary>
    public const string MeterName = "Switchback.Gateway";

    // The conventions' advice: seconds and token buckets as the semantic conventions give them.
    private static readonly double[] DurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    private static readonly long[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    private readonly Histogram<double> duration;
    private readonly Histogram<long> tokens;
    private readonly Histogram<double> firstChunk;

    public GenAiMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        duration = meter.CreateHistogram("gen_ai.client.operation.duration", "s", "GenAI operation duration, per upstream attempt.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        tokens = meter.CreateHistogram("gen_ai.client.token.usage", "{token}", "Input and output tokens used, per upstream attempt.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets });
        firstChunk = meter.CreateHistogram("gen_ai.client.operation.time_to_first_chunk", "s", "Time from sending the request to the first chunk of a streamed answer.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    /// <summary>Records one finished attempt of <paramref name="operation"/> to a version.</summary>
    public void Record(string operation, string provider, string deployment, int version, RequestOutcome outcome, int? status, double elapsedMs, long tokensIn, long tokensOut, double? firstChunkMs)
    {
        if (!duration.Enabled && !tokens.Enabled && !firstChunk.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "gen_ai.operation.name", operation },
            { "gen_ai.provider.name", provider },
            { "gen_ai.request.model", deployment },
            { "switchback.deployment", deployment },
            { "switchback.version", version },
        };
        if (outcome != RequestOutcome.Ok)
        {
            tags.Add("error.type", GatewayTelemetry.ErrorType(outcome, status));
        }

        duration.Record(elapsedMs / 1000, tags);
        if (firstChunkMs is { } ttfc)
        {
            firstChunk.Record(ttfc / 1000, tags);
        }

        if (outcome == RequestOutcome.Ok && (tokensIn > 0 || tokensOut > 0))
        {
            var input = tags;
            input.Add("gen_ai.token.type", "input");
            tokens.Record(tokensIn, input);
            tags.Add("gen_ai.token.type", "output");
            tokens.Record(tokensOut, tags);
        }
    }
}
