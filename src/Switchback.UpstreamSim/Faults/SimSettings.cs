using System.Globalization;
using System.Net;

namespace Switchback.UpstreamSim.Faults;

/// <summary>The effective, validated parameters of a simulator: options with the profile's defaults filled in.</summary>
internal sealed record SimSettings(
    SimProfile Profile,
    DownMode DownMode,
    IPEndPoint Endpoint,
    ulong Seed,
    double ErrorRate,
    double ResetShare,
    double OomRate,
    double RegressionRate,
    LatencyModel Latency,
    TimeSpan InterTokenLatency,
    string ModelName,
    int RecordRequests)
{
    /// <summary>The most request bodies <see cref="UpstreamSimOptions.RecordRequests"/> may keep.</summary>
    public const int MaxRecordedRequests = 10_000;

    private const double HealthyMedianMs = 20;

    /// <summary>Fills profile defaults and validates; throws <see cref="ArgumentException"/> listing every problem.</summary>
    public static SimSettings From(UpstreamSimOptions options)
    {
        var errors = Validate(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid upstream-sim options: " + string.Join("; ", errors), nameof(options));
        }

        var (median, p99) = ResolveLatency(options);
        return new SimSettings(
            options.Profile,
            options.DownMode,
            ListenAddress.Parse(options.Listen),
            unchecked((ulong)options.Seed),
            options.ErrorRate ?? (options.Profile == SimProfile.Flaky ? 0.2 : 0),
            options.ResetShare ?? 0.1,
            options.OomRate ?? (options.Profile == SimProfile.Oom ? 0.3 : 0),
            options.RegressionRate ?? (options.Profile == SimProfile.SilentRegression ? 0.3 : 0),
            LatencyModel.Fit(median, p99),
            TimeSpan.FromMilliseconds(options.InterTokenLatencyMs ?? median / 10),
            options.ModelName,
            options.RecordRequests);
    }

    /// <summary>Every problem with the options, as messages naming the CLI flag; empty when valid.</summary>
    public static IReadOnlyList<string> Validate(UpstreamSimOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!Enum.IsDefined(options.Profile))
        {
            errors.Add($"unknown profile {options.Profile}");
        }

        if (!ListenAddress.TryParse(options.Listen, out _, out var listenError))
        {
            errors.Add(listenError);
        }

        Fraction(errors, "--error-rate", options.ErrorRate);
        Fraction(errors, "--reset-share", options.ResetShare);
        Fraction(errors, "--oom-rate", options.OomRate);
        Fraction(errors, "--regression-rate", options.RegressionRate);
        if (errors.Count == 0 && (options.ErrorRate ?? 0) + (options.OomRate ?? 0) > 1)
        {
            errors.Add("--error-rate plus --oom-rate must not exceed 1");
        }

        NonNegative(errors, "--latency-ms", options.LatencyMs);
        NonNegative(errors, "--latency-p99-ms", options.LatencyP99Ms);
        NonNegative(errors, "--inter-token-ms", options.InterTokenLatencyMs);
        if (errors.Count == 0)
        {
            var (median, p99) = ResolveLatency(options);
            if (median == 0 && p99 > 0)
            {
                errors.Add("--latency-p99-ms needs a --latency-ms above 0 (a median of 0 means no delay at all)");
            }
            else if (p99 < median)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture,
                    $"--latency-p99-ms ({p99}) must be at least the median latency ({median})"));
            }
        }

        if (options.RecordRequests is < 0 or > MaxRecordedRequests)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"RecordRequests must be between 0 and {MaxRecordedRequests}, got {options.RecordRequests}"));
        }

        if (string.IsNullOrWhiteSpace(options.ModelName))
        {
            errors.Add("--model-name must not be empty");
        }

        return errors;
    }

    private static (double Median, double P99) ResolveLatency(UpstreamSimOptions options)
    {
        var slow = options.Profile == SimProfile.Slow;
        var median = options.LatencyMs ?? (slow ? 3 * HealthyMedianMs : HealthyMedianMs);
        var p99 = options.LatencyP99Ms ?? (median == 0 ? 0 : median * (slow ? 8 : 3));
        return (median, p99);
    }

    private static void Fraction(List<string> errors, string flag, double? value)
    {
        if (value is { } v && !(v >= 0 && v <= 1))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{flag} must be between 0 and 1, got {v}"));
        }
    }

    private static void NonNegative(List<string> errors, string flag, double? value)
    {
        if (value is { } v && !(v >= 0 && double.IsFinite(v)))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{flag} must be a finite number of milliseconds ≥ 0, got {v}"));
        }
    }
}
