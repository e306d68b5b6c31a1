using System.Text.RegularExpressions;

namespace Switchback.Core.OnlineEvaluators.Detectors;

/// <summary>Compiles deny patterns: the linear-time engine when the pattern allows it, else backtracking with a timeout.</summary>
internal static class DenyPatternCompiler
{
    /// <summary>Compiles <paramref name="deny"/>; returns null on success, else why the pattern is unusable.</summary>
    public static string? TryCompile(DenyPattern deny, TimeSpan timeout, out CompiledDenyPattern? compiled)
    {
        compiled = null;
        var options = RegexOptions.CultureInvariant | (deny.IgnoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        try
        {
            // No timeout on the linear engine: its time is bounded by pattern size × scanned text, both capped, and a
            // timeout there would also count the lazy construction of its automaton, which fails spuriously on a busy
            // machine, so a real match would be lost.
            var linear = new Regex(deny.Pattern, options | RegexOptions.NonBacktracking);
            compiled = new CompiledDenyPattern(DetectorNames.DenyPrefix + deny.Name, linear, Backtracking: false);
            return null;
        }
        catch (NotSupportedException)
        {
            // Backreferences, lookarounds, atomic groups and conditionals need the backtracking engine.
        }
        catch (ArgumentException ex)
        {
            return $"not a valid .NET regular expression: {ex.Message}";
        }

        try
        {
            var backtracking = new Regex(deny.Pattern, options, timeout);
            compiled = new CompiledDenyPattern(DetectorNames.DenyPrefix + deny.Name, backtracking, Backtracking: true);
            return null;
        }
        catch (ArgumentException ex)
        {
            return $"not a valid .NET regular expression: {ex.Message}";
        }
    }
}
