namespace Switchback.Core.Rollouts;

/// <summary>Percent ↔ basis points.</summary>
internal static class Weights
{
    /// <summary>Basis points of <paramref name="percent"/>, rounded to the nearest point.</summary>
    public static int ToBps(double percent) => (int)Math.Round(percent * 100, MidpointRounding.AwayFromZero);
}
