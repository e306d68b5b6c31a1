using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Switchback.Core.Audit;

/// <summary>
/// One entry of the audit chain named by its sequence number and hash, written <c>SEQ:HASH</c> (for example
/// <c>42:sha256:9f2c…</c>). Kept outside the store, it proves later that the log still holds that entry unchanged, which the
/// chain alone cannot: deleting the last entries and rewinding the recorded head leaves a valid, shorter chain.
/// </summary>
/// <param name="Sequence">The entry's sequence number, from 1.</param>
/// <param name="Hash">The entry's hash, <c>sha256:</c> and 64 lowercase hex digits.</param>
public sealed record AuditAnchor(long Sequence, string Hash)
{
    private const string HashPrefix = "sha256:";
    private const int HexLength = 64;

    /// <summary>Parses <c>SEQ:HASH</c>; the hash may omit its <c>sha256:</c> prefix and may be upper case.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out AuditAnchor? anchor, out string problem)
    {
        anchor = null;
        problem = string.Empty;
        const string Expected = "expected SEQ:HASH, for example 42:sha256:<64 hex digits> (see 'switchback audit head')";
        var trimmed = text?.Trim() ?? string.Empty;
        var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        if (colon < 1)
        {
            problem = $"anchor '{text}' is not valid: {Expected}";
            return false;
        }

        if (!long.TryParse(trimmed.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) || sequence < 1)
        {
            problem = $"anchor '{text}' is not valid: the sequence number must be a whole number from 1; {Expected}";
            return false;
        }

        var hash = trimmed[(colon + 1)..].ToLowerInvariant();
        var hex = hash.StartsWith(HashPrefix, StringComparison.Ordinal) ? hash[HashPrefix.Length..] : hash;
        if (hex.Length != HexLength || !hex.All(char.IsAsciiHexDigitLower))
        {
            problem = $"anchor '{text}' is not valid: the hash must be sha256: and 64 hex digits; {Expected}";
            return false;
        }

        anchor = new AuditAnchor(sequence, HashPrefix + hex);
        return true;
    }

    /// <summary>The <c>SEQ:HASH</c> form that <see cref="TryParse"/> reads.</summary>
    public override string ToString() => $"{Sequence.ToString(CultureInfo.InvariantCulture)}:{Hash}";
}
