using System.Globalization;

namespace Switchback.Cli.Watch;

/// <summary>
/// An e-value against its threshold as a bar on a log scale: empty at 1 (no evidence), full at the threshold. E-values span
/// orders of magnitude (0.5, 3, 80, 4839), so a linear bar would show nothing until the very end; Spectre's
/// <c>BarChart</c> is linear only, hence this small one of our own.
/// </summary>
internal static class EvidenceBar
{
    /// <summary>The bar's width in cells.</summary>
    public const int Width = 20;

    /// <summary>How many of <see cref="Width"/> cells <paramref name="eValue"/> fills: log(e) / log(threshold), within 0..Width.</summary>
    public static int Filled(double eValue, double threshold)
    {
        if (double.IsNaN(eValue) || eValue <= 1)
        {
            return 0;
        }

        if (threshold <= 1 || eValue >= threshold)
        {
            return Width;
        }

        return (int)Math.Round(Width * Math.Log(eValue) / Math.Log(threshold), MidpointRounding.AwayFromZero);
    }

    /// <summary>The bar as text: filled cells '█', the rest '░'.</summary>
    public static string Text(double eValue, double threshold)
    {
        var filled = Filled(eValue, threshold);
        return new string('█', filled) + new string('░', Width - filled);
    }

    /// <summary>The numbers beside the bar: "e 81.95 / 100".</summary>
    public static string Label(double eValue, double threshold)
        => string.Create(CultureInfo.InvariantCulture, $"e {eValue:G4} / {threshold:G4}");
}
