using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Switchback.Core.Audit;

/// <summary>
/// The hash chain of the audit log: each entry's hash covers its own fields and the previous entry's hash,
/// so editing, inserting or deleting any entry changes every hash after it.
/// </summary>
public static class AuditChain
{
    /// <summary>The "previous hash" of the first entry.</summary>
    public const string GenesisHash = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>
    /// The hash of an entry: SHA-256 over the UTF-8 JSON array
    /// <c>[sequence, time (ISO 8601, UTC, milliseconds), actor, action, target, before, after, reason, previousHash]</c>.
    /// </summary>
    public static string ComputeHash(long sequence, DateTimeOffset time, string actor, string action, string target, string? before, string? after, string? reason, string previousHash)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(sequence);
            writer.WriteStringValue(FormatTime(time));
            writer.WriteStringValue(actor);
            writer.WriteStringValue(action);
            writer.WriteStringValue(target);
            WriteNullable(writer, before);
            WriteNullable(writer, after);
            WriteNullable(writer, reason);
            writer.WriteStringValue(previousHash);
            writer.WriteEndArray();
        }

        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    /// <summary>The hash <paramref name="entry"/> should have, given its own fields.</summary>
    public static string ComputeHash(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return ComputeHash(entry.Sequence, entry.Time, entry.Actor, entry.Action, entry.Target, entry.Before, entry.After, entry.Reason, entry.PreviousHash);
    }

    /// <summary>Truncates to the millisecond and converts to UTC: the precision every store keeps.</summary>
    public static DateTimeOffset Normalize(DateTimeOffset time)
        => new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    /// <summary>
    /// Verifies entries in sequence order: contiguous sequence numbers from 1, each previous hash equal to the
    /// hash before it, each hash recomputed, and the last hash equal to <paramref name="expectedHead"/> (the head the store recorded;
    /// null when the store recorded no head because the log is empty).
    /// </summary>
    public static AuditVerifyResult Verify(IEnumerable<AuditEntry> entries, long expectedCount, string? expectedHead)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var previous = GenesisHash;
        long expected = 1;
        long checkedCount = 0;
        foreach (var entry in entries)
        {
            if (entry.Sequence != expected)
            {
                return new AuditVerifyResult(false, checkedCount, expected, $"entry {expected} is missing (found {entry.Sequence} next)");
            }

            if (!string.Equals(entry.PreviousHash, previous, StringComparison.Ordinal))
            {
                return new AuditVerifyResult(false, checkedCount, entry.Sequence, $"entry {entry.Sequence} does not link to the entry before it");
            }

            if (!string.Equals(ComputeHash(entry), entry.Hash, StringComparison.Ordinal))
            {
                return new AuditVerifyResult(false, checkedCount, entry.Sequence, $"entry {entry.Sequence} was modified: its content does not match its hash");
            }

            previous = entry.Hash;
            expected++;
            checkedCount++;
        }

        if (checkedCount < expectedCount)
        {
            return new AuditVerifyResult(false, checkedCount, checkedCount + 1, $"entries {checkedCount + 1} to {expectedCount} are missing: the recorded head says {expectedCount} entries");
        }

        if (expectedHead is not null && !string.Equals(previous, expectedHead, StringComparison.Ordinal))
        {
            return new AuditVerifyResult(false, checkedCount, checkedCount, $"the last entry ({checkedCount}) does not match the recorded head of the chain");
        }

        return new AuditVerifyResult(true, checkedCount, null, null);
    }

    /// <summary>
    /// Verifies the chain as <see cref="Verify(IEnumerable{AuditEntry}, long, string?)"/> does, then that the entry
    /// <paramref name="anchor"/> names is still there with the same hash: the check that catches the last entries deleted
    /// together with a rewound head, or a log rebuilt from some entry on with freshly computed hashes.
    /// </summary>
    public static AuditVerifyResult Verify(IReadOnlyList<AuditEntry> entries, long expectedCount, string? expectedHead, AuditAnchor anchor)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(anchor);
        var chain = Verify(entries, expectedCount, expectedHead);
        if (!chain.Ok)
        {
            return chain;
        }

        if (anchor.Sequence > entries.Count)
        {
            return new AuditVerifyResult(
                false,
                chain.EntriesChecked,
                entries.Count + 1,
                $"entry {anchor.Sequence} named by the anchor is missing: the log ends at entry {entries.Count}, so entries were deleted from its end and the recorded head rewound",
                AnchorMatches: false);
        }

        // The chain is contiguous from 1 (verified above), so entry N sits at index N - 1.
        var entry = entries[(int)(anchor.Sequence - 1)];
        if (!string.Equals(entry.Hash, anchor.Hash, StringComparison.Ordinal))
        {
            return new AuditVerifyResult(
                false,
                chain.EntriesChecked,
                anchor.Sequence,
                $"entry {anchor.Sequence} does not match the anchor: its hash is {entry.Hash}, the anchor says {anchor.Hash}, so the log was rewritten at or before that entry",
                AnchorMatches: false);
        }

        return chain with { AnchorMatches = true };
    }

    private static string FormatTime(DateTimeOffset time)
        => Normalize(time).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void WriteNullable(Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
