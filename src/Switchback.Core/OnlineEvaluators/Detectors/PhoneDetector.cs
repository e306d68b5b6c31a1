namespace Switchback.Core.OnlineEvaluators.Detectors;

/// <summary>Finds telephone numbers in NANP or international (<c>+</c> country code) form.</summary>
internal static class PhoneDetector
{
    /// <summary>Whether <paramref name="text"/> contains a telephone number.</summary>
    public static bool Contains(ReadOnlySpan<char> text)
    {
        // Cheap vectorised pre-checks skip the regular expressions on answers that cannot hold a number.
        if (text.IndexOfAnyInRange('0', '9') < 0)
        {
            return false;
        }

        if (PiiPatterns.Nanp.IsMatch(text))
        {
            return true;
        }

        if (!text.Contains('+'))
        {
            return false;
        }

        foreach (var match in PiiPatterns.International.EnumerateMatches(text))
        {
            var digits = 0;
            foreach (var c in text.Slice(match.Index, match.Length))
            {
                digits += char.IsAsciiDigit(c) ? 1 : 0;
            }

            if (digits is >= 8 and <= 15)
            {
                return true;
            }
        }

        return false;
    }
}
