namespace Switchback.Core.Evaluation.Detectors;

/// <summary>
/// Finds payment card numbers: 13..19 digits, plain or in groups of 3..6 split by one kind of separator (space or dash),
/// not touching other letters or digits, starting with 2..6 (the ISO/IEC 7812 industries of card networks) and passing
/// the Luhn check. One linear pass, no regular expression.
/// </summary>
internal static class PaymentCardDetector
{
    private const int MinDigits = 13;
    private const int MaxDigits = 19;

    /// <summary>Whether <paramref name="text"/> contains a payment card number.</summary>
    public static bool Contains(ReadOnlySpan<char> text)
    {
        Span<char> digits = stackalloc char[MaxDigits];
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsAsciiDigit(text[i]) || (i > 0 && char.IsLetterOrDigit(text[i - 1])))
            {
                i++;
                continue;
            }

            var end = ReadRun(text, i, digits, out var count, out var wellFormed);
            var touchesNext = end < text.Length && char.IsLetterOrDigit(text[end]);
            if (wellFormed && !touchesNext && count is >= MinDigits and <= MaxDigits
                && digits[0] is >= '2' and <= '6' && Luhn.IsValid(digits[..count]))
            {
                return true;
            }

            i = Math.Max(end, i + 1);
        }

        return false;
    }

    // Reads digits and single separators from start; returns the index after the run. Digits past MaxDigits are counted
    // but not stored, so an over-long run is skipped whole rather than re-read from every offset.
    private static int ReadRun(ReadOnlySpan<char> text, int start, Span<char> digits, out int count, out bool wellFormed)
    {
        count = 0;
        wellFormed = true;
        var separator = '\0';
        var groupLength = 0;
        var groups = 1;
        var i = start;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                if (count < MaxDigits)
                {
                    digits[count] = c;
                }

                count++;
                groupLength++;
                i++;
                continue;
            }

            var isSeparator = c is ' ' or '-';
            if (!isSeparator || i + 1 >= text.Length || !char.IsAsciiDigit(text[i + 1]) || (separator != '\0' && c != separator))
            {
                break;
            }

            wellFormed &= groupLength is >= 3 and <= 6;
            separator = c;
            groupLength = 0;
            groups++;
            i++;
        }

        if (groups > 1)
        {
            wellFormed &= groupLength is >= 3 and <= 6;
        }

        return i;
    }
}
