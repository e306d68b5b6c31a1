using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Switchback.Gateway.Signals;

/// <summary>
/// Request ids that say which version served them, so feedback sent to any replica is attributed without a store lookup
/// (docs/fleet.md "feedback"): the journal's id, then <c>.</c> and the deployment, version and Unix second in base64url, then
/// <c>.</c> and an HMAC-SHA256 (first 16 bytes) over both, keyed with a secret every replica of the store shares. A client can
/// neither forge nor alter the attribution. Without a key (not yet loaded) ids stay unsigned and only the journal of the
/// replica that served them knows them. Thread-safe: the key is one reference swapped atomically.
/// </summary>
public sealed class RequestIds
{
    private const byte Format = 1;
    private const int MacBytes = 16;
    private byte[]? key;

    /// <summary>Whether ids are signed (the shared key is loaded).</summary>
    public bool Signs => Volatile.Read(ref key) is not null;

    /// <summary>Sets the shared key (at least 32 bytes).</summary>
    public void UseKey(byte[] secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < 32)
        {
            throw new ArgumentException("the request id key must be at least 32 bytes", nameof(secret));
        }

        Volatile.Write(ref key, (byte[])secret.Clone());
    }

    /// <summary>The id the client sees for <paramref name="baseId"/> served by <paramref name="deployment"/>@<paramref name="version"/> at <paramref name="at"/>.</summary>
    public string Sign(string baseId, string deployment, int version, DateTimeOffset at)
    {
        if (Volatile.Read(ref key) is not { } secret)
        {
            return baseId;
        }

        // On every response: one stack buffer for the signed text, one HMAC, one string (about a microsecond).
        Span<byte> payload = stackalloc byte[1 + 5 + 10 + Encoding.UTF8.GetMaxByteCount(deployment.Length)];
        var n = 0;
        payload[n++] = Format;
        n += WriteVarint(payload[n..], (ulong)version);
        n += WriteVarint(payload[n..], (ulong)Math.Max(0, at.ToUnixTimeSeconds()));
        n += Encoding.UTF8.GetBytes(deployment, payload[n..]);
        Span<byte> text = stackalloc byte[baseId.Length + 1 + Base64Url.GetEncodedLength(n) + 1 + Base64Url.GetEncodedLength(MacBytes)];
        var length = Encoding.ASCII.GetBytes(baseId, text);
        text[length++] = (byte)'.';
        length += Base64Url.EncodeToUtf8(payload[..n], text[length..]);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(secret, text[..length], mac);
        text[length++] = (byte)'.';
        length += Base64Url.EncodeToUtf8(mac[..MacBytes], text[length..]);
        return Encoding.ASCII.GetString(text[..length]);
    }

    /// <summary>Reads a signed id; false for an unsigned, malformed or forged one (or when no key is loaded).</summary>
    public bool TryRead(string id, out string baseId, out string deployment, out int version, out DateTimeOffset at)
    {
        baseId = id;
        deployment = string.Empty;
        version = 0;
        at = default;
        var secret = Volatile.Read(ref key);
        var last = id.LastIndexOf('.');
        var first = last > 0 ? id.LastIndexOf('.', last - 1) : -1;
        if (secret is null || first <= 0 || id.Length > 512)
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[MacBytes + 2];
        if (!Base64Url.IsValid(id.AsSpan(last + 1)) || Base64Url.DecodeFromChars(id.AsSpan(last + 1), mac, out _, out var macLength) != OperationStatus.Done
            || macLength != MacBytes || !CryptographicOperations.FixedTimeEquals(mac[..MacBytes], Mac(secret, id[..last])))
        {
            return false;
        }

        if (!Base64Url.IsValid(id.AsSpan(first + 1, last - first - 1)))
        {
            return false;
        }

        var payload = Base64Url.DecodeFromChars(id.AsSpan(first + 1, last - first - 1));
        var n = 1;
        if (payload.Length < 3 || payload[0] != Format || !ReadVarint(payload, ref n, out var v) || !ReadVarint(payload, ref n, out var seconds)
            || v is < 1 or > int.MaxValue || seconds > 253_402_300_799)
        {
            return false;
        }

        baseId = id[..first];
        deployment = Encoding.UTF8.GetString(payload.AsSpan(n));
        version = (int)v;
        at = DateTimeOffset.FromUnixTimeSeconds((long)seconds);
        return deployment.Length > 0;
    }

    /// <summary>The part of <paramref name="id"/> the journal knows (the id before any signature).</summary>
    public static string BaseOf(string id)
    {
        var dot = id.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? id : id[..dot];
    }

    private static byte[] Mac(byte[] secret, string body)
    {
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(body), full);
        return full[..MacBytes].ToArray();
    }

    private static int WriteVarint(Span<byte> into, ulong value)
    {
        var n = 0;
        while (value >= 0x80)
        {
            into[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        into[n++] = (byte)value;
        return n;
    }

    private static bool ReadVarint(byte[] from, ref int at, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && at < from.Length; shift += 7)
        {
            var b = from[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
