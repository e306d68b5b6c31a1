using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Switchback.Gateway.Signals;

/// <summary>
/// The journal's store for request ids it issued itself (<c>req_</c> + 16 hex digits of a sequence number + 16 of a
/// random tag): a ring of fixed-size slots indexed by the sequence number, so remembering a request retains no string
/// and no per-entry object — about 40 bytes a request against some 220 in a dictionary keyed by the id, which at the
/// default 1,000,000 entries is the difference between ~40 MB and ~220 MB. Slots are allocated in chunks as the ring
/// fills. A newer request with the same slot evicts the older (oldest first, by issue order). The random tag makes ids
/// unguessable, so feedback cannot be attributed to someone else's request by counting. Thread-safe and lock-free:
/// a slot is written under a per-slot sequence stamp that readers check before and after reading (a seqlock).
/// </summary>
internal sealed class IssuedRequestRing(int capacity)
{
    private const int ChunkBits = 14;
    private const int ChunkSize = 1 << ChunkBits;
    private const string Prefix = "req_";
    private const int IdLength = 36;

    [ThreadStatic]
    private static byte[]? randomBytes;

    [ThreadStatic]
    private static int randomUsed;

    private readonly Slot[]?[] chunks = new Slot[]?[(capacity + ChunkSize - 1) / ChunkSize];
    private long issued;

    /// <summary>A new request id: <c>req_</c> and 32 lowercase hex digits.</summary>
    public string Issue()
    {
        var sequence = Interlocked.Increment(ref issued);
        var tag = NextTag();
        return string.Create(IdLength, (sequence, tag), static (span, s) =>
        {
            Prefix.CopyTo(span);
            s.sequence.TryFormat(span[4..], out _, "x16", CultureInfo.InvariantCulture);
            s.tag.TryFormat(span[20..], out _, "x16", CultureInfo.InvariantCulture);
        });
    }

    /// <summary>Whether <paramref name="requestId"/> is one this ring issued (so it is stored here, not by string).</summary>
    public bool Owns(string requestId, out long sequence, out ulong tag)
    {
        sequence = 0;
        tag = 0;
        return requestId.Length == IdLength
            && requestId.StartsWith(Prefix, StringComparison.Ordinal)
            && long.TryParse(requestId.AsSpan(4, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out sequence)
            && ulong.TryParse(requestId.AsSpan(20, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out tag)
            && sequence >= 1 && sequence <= Volatile.Read(ref issued)
            && IsLowerHex(requestId.AsSpan(4));
    }

    /// <summary>Remembers an issued request; a later write for the same id replaces the earlier one.</summary>
    public void Write(long sequence, ulong tag, string deployment, int version, long atTicks, RequestOutcome outcome)
    {
        ref var slot = ref SlotOf(sequence, create: true);
        Volatile.Write(ref slot.Sequence, -1);
        slot.Tag = tag;
        slot.Deployment = deployment;
        slot.Version = version;
        slot.AtTicks = atTicks;
        slot.Outcome = outcome;
        Volatile.Write(ref slot.Sequence, sequence);
    }

    /// <summary>The remembered request, unless its slot was reused or never written.</summary>
    public bool TryRead(long sequence, ulong tag, out (string Deployment, int Version, long AtTicks, RequestOutcome Outcome) entry)
    {
        entry = default;
        ref var slot = ref SlotOf(sequence, create: false);
        if (Unsafe.IsNullRef(ref slot) || Volatile.Read(ref slot.Sequence) != sequence)
        {
            return false;
        }

        entry = (slot.Deployment!, slot.Version, slot.AtTicks, slot.Outcome);
        var sameTag = slot.Tag == tag;

        // The fields must be read before the stamp is checked again (a writer may have started in between).
        Interlocked.MemoryBarrier();
        return Volatile.Read(ref slot.Sequence) == sequence && sameTag && entry.Deployment is not null;
    }

    private ref Slot SlotOf(long sequence, bool create)
    {
        var index = (int)((sequence - 1) % capacity);
        var chunk = Volatile.Read(ref chunks[index >> ChunkBits]);
        if (chunk is null)
        {
            if (!create)
            {
                return ref Unsafe.NullRef<Slot>();
            }

            chunk = Interlocked.CompareExchange(ref chunks[index >> ChunkBits], new Slot[ChunkSize], null) ?? chunks[index >> ChunkBits]!;
        }

        return ref chunk[index & (ChunkSize - 1)];
    }

    private static bool IsLowerHex(ReadOnlySpan<char> digits)
    {
        foreach (var c in digits)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    // Cryptographic randomness drawn 512 bytes at a time per thread: unguessable tags without a system call per request.
    private static ulong NextTag()
    {
        var buffer = randomBytes ??= new byte[512];
        if (randomUsed == 0 || randomUsed >= buffer.Length)
        {
            RandomNumberGenerator.Fill(buffer);
            randomUsed = 0;
        }

        var tag = BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(randomUsed));
        randomUsed += sizeof(ulong);
        return tag;
    }

    private struct Slot
    {
        public long Sequence;
        public ulong Tag;
        public long AtTicks;
        public string? Deployment;
        public int Version;
        public RequestOutcome Outcome;
    }
}
