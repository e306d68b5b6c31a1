namespace Switchback.Core.OnlineEvaluators.Detectors;

/// <summary>
/// Finds payment card numbers: 13..19 digits, plain or in groups of 3..6 split by one kind of separator (space or dash),
/// not touching letters or digits, starting with 2..6 (the ISO/IEC 7812 industries of card networks) and passing the
/// Luhn check. Every digit group is tried as a start, so a card right after another number ("call 2671 4111 1111…")
/// is still found; each try reads at most 19 digits, so the scan stays linear. No regular expression.
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

            if (IsCardAt(text, i, digits))
            {
                return true;
            }

            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        return false;
    }

    private static bool IsCardAt(ReadOnlySpan<char> text, int start, Span<char> digits)
    {
        var count = 0;
        var separator = '\0';
        var groups = 0;
        var groupsWellSized = true;
        var i = start;
        while (true)
        {
            var groupStart = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                if (count == MaxDigits)
                {
                    return false;
                }

                digits[count++] = text[i++];
            }

            groups++;
            groupsWellSized &= i - groupStart is >= 3 and <= 6;
            var endsHere = i == text.Length || !char.IsLetterOrDigit(text[i]);
            if (endsHere && count >= MinDigits && (groups == 1 || groupsWellSized)
                && digits[0] is >= '2' and <= '6' && Luhn.IsValid(digits[..count]))
            {
                return true;
            }

            var canContinue = endsHere && i + 1 < text.Length && text[i] is ' ' or '-'
                && (separator == '\0' || text[i] == separator) && char.IsAsciiDigit(text[i + 1]);
            if (!canContinue)
            {
                return false;
            }

            separator = text[i++];
        }
    }
}
