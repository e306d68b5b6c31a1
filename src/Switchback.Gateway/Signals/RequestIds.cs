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
/// <remarks>
/// During a canary the signed part also holds the request's unit ticket (format 2: the rollout, the salted key hash, the arm and
/// the weight), so feedback sent to any replica joins its key's feedback unit (docs/statistics.md §1b). Ids of format 1 (no
/// unit part: served outside a canary, or before this format) still read, and their feedback counts per vote.
/// </remarks>
public sealed class RequestIds
{
    private const byte Format = 1;
    private const byte UnitFormat = 2;
    private const int MaxSaltBytes = 64;
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
    public string Sign(string baseId, string deployment, int version, DateTimeOffset at) => Sign(baseId, deployment, version, at, null);

    /// <summary>The same, with the request's unit ticket during a canary (null outside one).</summary>
    internal string Sign(string baseId, string deployment, int version, DateTimeOffset at, Units.UnitTicket? unit)
    {
        if (Volatile.Read(ref key) is not { } secret)
        {
            return baseId;
        }

        // A salt too long for the id (never so for the controller's "r-" and 8 hex digits) leaves the unit out: counted per vote.
        var salt = unit is { } u && Encoding.UTF8.GetByteCount(u.Salt) <= MaxSaltBytes ? u.Salt : null;

        // On every response: one stack buffer for the signed text, one HMAC, one string (about a microsecond).
        Span<byte> payload = stackalloc byte[1 + 5 + 10 + (salt is null ? 0 : 8 + 3 + 1 + 1 + MaxSaltBytes) + Encoding.UTF8.GetMaxByteCount(deployment.Length)];
        var n = 0;
        payload[n++] = salt is null ? Format : UnitFormat;
        n += WriteVarint(payload[n..], (ulong)version);
        n += WriteVarint(payload[n..], (ulong)Math.Max(0, at.ToUnixTimeSeconds()));
        if (salt is not null)
        {
            var ticket = unit!.Value;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(payload[n..], ticket.KeyHash);
            n += 8;
            n += WriteVarint(payload[n..], (ulong)Math.Clamp(ticket.WeightBps, 0, 10_000));
            payload[n++] = ticket.Candidate ? (byte)1 : (byte)0;
            var saltLength = Encoding.UTF8.GetBytes(salt, payload[(n + 1)..]);
            payload[n] = (byte)saltLength;
            n += 1 + saltLength;
        }

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
        => TryRead(id, out baseId, out deployment, out version, out at, out _);

    /// <summary>The same, with the unit ticket an id of format 2 holds (null for format 1).</summary>
    internal bool TryRead(string id, out string baseId, out string deployment, out int version, out DateTimeOffset at, out Units.UnitTicket? unit)
    {
        baseId = id;
        deployment = string.Empty;
        version = 0;
        at = default;
        unit = null;
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
        if (payload.Length < 3 || payload[0] is not (Format or UnitFormat) || !ReadVarint(payload, ref n, out var v) || !ReadVarint(payload, ref n, out var seconds)
            || v is < 1 or > int.MaxValue || seconds > 253_402_300_799)
        {
            return false;
        }

        ulong keyHash = 0;
        ulong weight = 0;
        var candidate = false;
        string? salt = null;
        if (payload[0] == UnitFormat)
        {
            if (payload.Length < n + 8 + 1)
            {
                return false;
            }

            keyHash = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(payload.AsSpan(n, 8));
            n += 8;
            if (!ReadVarint(payload, ref n, out weight) || weight > 10_000 || n + 2 > payload.Length || payload[n] > 1)
            {
                return false;
            }

            candidate = payload[n++] == 1;
            var saltLength = payload[n++];
            if (saltLength is 0 or > MaxSaltBytes || n + saltLength > payload.Length)
            {
                return false;
            }

            salt = Encoding.UTF8.GetString(payload.AsSpan(n, saltLength));
            n += saltLength;
        }

        baseId = id[..first];
        deployment = Encoding.UTF8.GetString(payload.AsSpan(n));
        version = (int)v;
        at = DateTimeOffset.FromUnixTimeSeconds((long)seconds);
        if (salt is not null)
        {
            unit = new Units.UnitTicket(deployment, salt, keyHash, version, candidate, (int)weight);
        }

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
