using System.Text.RegularExpressions;

namespace Switchback.Core.OnlineEvaluators.Detectors;

/// <summary>A compiled deny pattern. Thread-safe, as <see cref="Regex"/> is.</summary>
/// <param name="DetectorName">The name reported when it matches, e.g. <c>deny.secrets</c>.</param>
/// <param name="Regex">The compiled expression, with its match timeout.</param>
/// <param name="Backtracking">Whether the pattern needed the backtracking engine.</param>
internal sealed record CompiledDenyPattern(string DetectorName, Regex Regex, bool Backtracking)
{
    /// <summary>Whether the pattern matches; null when it ran out of time.</summary>
    public bool? Matches(ReadOnlySpan<char> text)
    {
        try
        {
            return Regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }
}
