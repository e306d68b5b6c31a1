using System.Text.RegularExpressions;

namespace Switchback.Core.OnlineEvaluators.Detectors;

/// <summary>
/// The built-in PII expressions. They run on the linear-time engine (<see cref="RegexOptions.NonBacktracking"/>), so
/// no input can make them slow; that engine has no lookarounds, so boundaries are consumed characters instead.
/// </summary>
internal static class PiiPatterns
{
    private const RegexOptions Linear = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    /// <summary>local@domain.tld with a letters-only top-level domain; <c>user@localhost</c> and <c>@handles</c> do not match.</summary>
    public static readonly Regex Email = new(
        @"[A-Za-z0-9._%+\-]+@(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,24}\b",
        Linear);

    /// <summary>
    /// NANP numbers with separators: <c>(415) 555-2671</c>, <c>415-555-2671</c>, <c>415.555.2671</c>, <c>+1 415 555 2671</c>.
    /// Area code and exchange start with 2..9. Ten bare digits do not match: they look like order ids.
    /// </summary>
    public static readonly Regex Nanp = new(
        @"(?:^|[^\w+])(?:\+?1[ .\-]?)?(?:\([2-9]\d\d\) ?|[2-9]\d\d[ .\-])[2-9]\d\d[ .\-]\d\d\d\d(?:$|\W)",
        Linear);

    /// <summary>
    /// International numbers: <c>+</c>, a country code, then groups of digits with optional separators or parentheses;
    /// the caller keeps only those with 8..15 digits in all (E.164).
    /// </summary>
    public static readonly Regex International = new(
        @"(?:^|[^\w+])\+[1-9]\d{0,2}(?:[ .\-]?(?:\(\d{1,4}\)|\d{1,4})){2,6}(?:$|\W)",
        Linear);
}
