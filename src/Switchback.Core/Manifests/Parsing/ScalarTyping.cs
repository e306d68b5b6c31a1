using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Switchback.Core.Bundles;

namespace Switchback.Core.Manifests.Parsing;

/// <summary>Turns plain scalars into numbers and, in free maps, into YAML 1.2 core schema values.</summary>
internal static class ScalarTyping
{
    /// <summary>
    /// Reads a plain number (decimal, exponent, <c>0x</c>/<c>0o</c> integers) as canonical number text; false with
    /// <paramref name="error"/> set when it is NaN, infinite or out of range, false with no error when it is no number at all.
    /// </summary>
    public static bool TryNumber(string text, out string canonical, out string? error)
    {
        canonical = string.Empty;
        error = null;
        var unsigned = text.TrimStart('+', '-');
        if (unsigned is ".nan" or ".NaN" or ".NAN" || text is "NaN")
        {
            error = "NaN is not allowed: expected a finite number";
            return false;
        }

        if (unsigned is ".inf" or ".Inf" or ".INF" || unsigned is "Infinity")
        {
            error = "infinity is not allowed: expected a finite number";
            return false;
        }

        if (text.Length > 2 && text[0] == '0' && text[1] is 'x' or 'o')
        {
            var hex = text[1] == 'x';
            var digits = text[2..];
            if (!digits.All(c => hex ? char.IsAsciiHexDigit(c) : c is >= '0' and <= '7'))
            {
                return false;
            }

            var value = BigInteger.Zero;
            foreach (var c in digits)
            {
                value = (value * (hex ? 16 : 8)) + int.Parse(c.ToString(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }

            canonical = value.ToString(CultureInfo.InvariantCulture);
            return true;
        }

        if (!CanonicalNumber.TryParse(text, out _, out _))
        {
            return false;
        }

        try
        {
            canonical = CanonicalNumber.Normalize(text);
            return true;
        }
        catch (ArgumentException ex)
        {
            error = ex.Message;
            return false;
        }
    }

    /// <summary>The YAML 1.2 core schema value of a scalar: quoted ⇒ string; plain null, booleans, numbers; else string.</summary>
    public static JsonNode? Core(ScalarNode scalar, out string? error)
    {
        error = null;
        if (scalar.Quoted)
        {
            return JsonValue.Create(scalar.Text);
        }

        if (scalar.IsNull)
        {
            return null;
        }

        switch (scalar.Text)
        {
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (TryNumber(scalar.Text, out var canonical, out error))
        {
            return JsonNode.Parse(canonical);
        }

        return error is null ? JsonValue.Create(scalar.Text) : null;
    }
}
