using System.Text.RegularExpressions;

namespace Switchback.Core.OfflineEvals.Scorers;

/// <summary>
/// <c>regex</c>: the answer matches a .NET regular expression. Compiled with the linear <c>NonBacktracking</c> engine when it
/// can run the pattern; otherwise the backtracking engine with a match timeout, and a timeout scores 0 with that reason.
/// </summary>
public sealed record RegexScorer : LocalScorer
{
    /// <summary>The longest pattern accepted, in characters.</summary>
    public const int MaxPatternChars = 1000;

    private readonly Regex _regex;

    private RegexScorer(string pattern, bool ignoreCase, TimeSpan timeout, Regex regex)
        => (Pattern, IgnoreCase, Timeout, _regex) = (pattern, ignoreCase, timeout, regex);

    /// <summary>The pattern as written.</summary>
    public string Pattern { get; }

    /// <summary>Whether matching ignores case.</summary>
    public bool IgnoreCase { get; }

    /// <summary>The match timeout, used only when the pattern needs the backtracking engine.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Whether the pattern runs on the backtracking engine (and so depends on <see cref="Timeout"/>).</summary>
    public bool Backtracking => (_regex.Options & RegexOptions.NonBacktracking) == 0;

    /// <inheritdoc />
    public override string Type => "regex";

    /// <inheritdoc />
    public override bool NeedsExpected => false;

    /// <summary>Compiles <paramref name="pattern"/>; returns null with the reason when it is not a valid expression.</summary>
    public static RegexScorer? Create(string pattern, bool ignoreCase, TimeSpan timeout, out string? error)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        error = null;
        if (pattern.Length is 0 or > MaxPatternChars)
        {
            error = $"expected a pattern of 1..{MaxPatternChars} characters";
            return null;
        }

        var options = RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        try
        {
            return new RegexScorer(pattern, ignoreCase, timeout, new Regex(pattern, options | RegexOptions.NonBacktracking));
        }
        catch (NotSupportedException)
        {
            // Backreferences, lookarounds and the like need the backtracking engine: bounded by the timeout instead.
        }
        catch (ArgumentException ex)
        {
            error = $"not a valid .NET regular expression: {ex.Message}";
            return null;
        }

        try
        {
            return new RegexScorer(pattern, ignoreCase, timeout, new Regex(pattern, options, timeout));
        }
        catch (ArgumentException ex)
        {
            error = $"not a valid .NET regular expression: {ex.Message}";
            return null;
        }
    }

    /// <inheritdoc />
    public override CaseScore Score(EvalCase evalCase, string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        try
        {
            return _regex.IsMatch(answer) ? CaseScore.Pass("pattern matched") : CaseScore.Fail($"pattern /{Excerpt(Pattern, 40)}/ did not match");
        }
        catch (RegexMatchTimeoutException)
        {
            return CaseScore.Fail($"pattern timed out after {Timeout.TotalMilliseconds:0} ms (scored 0)");
        }
    }

    /// <inheritdoc />
    public bool Equals(RegexScorer? other)
        => other is not null && Pattern == other.Pattern && IgnoreCase == other.IgnoreCase && Timeout == other.Timeout;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Pattern, IgnoreCase, Timeout);
}
