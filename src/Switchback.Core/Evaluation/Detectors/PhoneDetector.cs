namespace Switchback.Core.Evaluation.Detectors;

/// <summary>Finds telephone numbers in NANP or international (<c>+</c> country code) form.</summary>
internal static class PhoneDetector
{
    /// <summary>Whether <paramref name="text"/> contains a telephone number.</summary>
    public static bool Contains(ReadOnlySpan<char> text)
    {
        if (PiiPatterns.Nanp.IsMatch(text))
        {
            return true;
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
