using System.Globalization;
using System.Numerics;
using System.Text;

namespace Switchback.Core.Bundles;

/// <summary>
/// Normalises JSON number text: integral values as plain integers (exact, any size up to the double range), other values as the
/// shortest round-trip IEEE-754 double text with a lower-case exponent and no '+' or leading zeros in it.
/// </summary>
internal static class CanonicalNumber
{
    // 10^309 is above double.MaxValue (~1.8e308): an integral value with more digits than this cannot be a double.
    private const int MaxIntegerDigits = 309;

    /// <summary>Whether <paramref name="text"/> is JSON number syntax (optionally with a leading '+', as YAML allows).</summary>
    public static bool TryParse(string text, out BigInteger mantissa, out long exponent)
    {
        mantissa = BigInteger.Zero;
        exponent = 0;
        var i = 0;
        var negative = false;
        if (i < text.Length && text[i] is '-' or '+')
        {
            negative = text[i] == '-';
            i++;
        }

        var digits = new StringBuilder();
        var intDigits = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            digits.Append(text[i++]);
            intDigits++;
        }

        var fracDigits = 0;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                digits.Append(text[i++]);
                fracDigits++;
            }
        }

        if (intDigits + fracDigits == 0)
        {
            return false;
        }

        long exp = 0;
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            var expNegative = false;
            if (i < text.Length && text[i] is '-' or '+')
            {
                expNegative = text[i] == '-';
                i++;
            }

            var expStart = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                // Saturate: such exponents are out of range either way and are rejected later.
                exp = Math.Min(exp * 10 + (text[i] - '0'), 1_000_000_000);
                i++;
            }

            if (i == expStart)
            {
                return false;
            }

            exp = expNegative ? -exp : exp;
        }

        if (i != text.Length)
        {
            return false;
        }

        mantissa = BigInteger.Parse(digits.ToString(), NumberStyles.None, CultureInfo.InvariantCulture);
        if (negative)
        {
            mantissa = -mantissa;
        }

        exponent = exp - fracDigits;
        return true;
    }

    /// <summary>The canonical text of the number written as <paramref name="text"/>; throws <see cref="ArgumentException"/> when out of range.</summary>
    public static string Normalize(string text)
    {
        if (!TryParse(text, out var mantissa, out var exponent))
        {
            throw new ArgumentException($"'{text}' is not a JSON number");
        }

        if (mantissa.IsZero)
        {
            return "0";
        }

        while (exponent < 0 && (mantissa % 10).IsZero)
        {
            mantissa /= 10;
            exponent++;
        }

        if (exponent >= 0)
        {
            var digitCount = BigInteger.Abs(mantissa).ToString(CultureInfo.InvariantCulture).Length;
            if (digitCount + exponent > MaxIntegerDigits)
            {
                throw new ArgumentException($"{text} is out of range: numbers must fit an IEEE-754 double");
            }

            return (mantissa * BigInteger.Pow(10, (int)exponent)).ToString(CultureInfo.InvariantCulture);
        }

        var value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"{text} is out of range: numbers must fit an IEEE-754 double");
        }

        return FormatDouble(value);
    }

    /// <summary>Shortest round-trip text of a finite double, integral values without fraction or exponent.</summary>
    public static string FormatDouble(double value)
    {
        if (value == 0)
        {
            return "0";
        }

        if (Math.Floor(value) == value)
        {
            return new BigInteger(value).ToString(CultureInfo.InvariantCulture);
        }

        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var e = r.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return r;
        }

        var exp = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return r[..e] + "e" + exp.ToString(CultureInfo.InvariantCulture);
    }
}
