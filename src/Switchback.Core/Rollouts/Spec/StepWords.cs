using System.Globalization;

namespace Switchback.Core.Rollouts;

/// <summary>The phrases <see cref="RolloutStep.Describe"/> is built from; pure.</summary>
internal static class StepWords
{
    /// <summary>"5 %", "0.5 %".</summary>
    public static string Percent(double percent) => percent.ToString("0.##", CultureInfo.InvariantCulture) + " %";

    /// <summary>" for 10m", " for 1h30m", " for 45s"; empty for no duration.</summary>
    public static string For(TimeSpan? duration) => duration is { } d ? " for " + Span(d) : string.Empty;

    /// <summary>", at least 200 requests per arm"; empty for 0.</summary>
    public static string AtLeast(long count, string what)
        => count > 0 ? $", at least {count.ToString(CultureInfo.InvariantCulture)} {what}" : string.Empty;

    /// <summary>A duration the way manifests write it: 1h30m, 10m, 45s, 1.5s.</summary>
    public static string Span(TimeSpan d)
    {
        if (d < TimeSpan.FromSeconds(1) || d.Milliseconds != 0)
        {
            return d.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
        }

        var text = (d.Days > 0 ? $"{d.Days}d" : string.Empty)
            + (d.Hours > 0 ? $"{d.Hours}h" : string.Empty)
            + (d.Minutes > 0 ? $"{d.Minutes}m" : string.Empty)
            + (d.Seconds > 0 ? $"{d.Seconds}s" : string.Empty);
        return text.Length == 0 ? "0s" : text;
    }
}
