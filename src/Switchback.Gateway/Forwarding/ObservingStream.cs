namespace Switchback.Gateway.Forwarding;

/// <summary>
/// Wraps the client's response body while an attempt's answer is copied to it: passes every write through
/// unchanged while noting when the first byte went out, keeping the first <see cref="ResponseObservation.CaptureLimit"/>
/// bytes (64 KiB: enough for a non-streamed answer's <c>usage</c>; more for versions whose responses are evaluated) and
/// the last 8 KiB (where a stream's final usage chunk is). Observing the writes to the client, not the reads from the
/// upstream, needs no wrapper around the upstream's content (which would copy its headers and add a read layer per
/// request). The tail ring is only allocated once a body outgrows the head: a small answer costs one head buffer of
/// exactly its size when the upstream declared it (<see cref="ResponseObservation.ExpectedLength"/>), else one that
/// doubles as needed. Write-only.
/// </summary>
internal sealed class ObservingStream(Stream inner, TimeProvider time, ResponseObservation observation) : Stream
{
    private const int TailSize = 8 * 1024;
    private const int InitialHead = 1024;
    private byte[] head = [];
    private int headLength;
    private byte[]? tail;
    private long total;

    public long TotalBytes => total;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => total; set => throw new NotSupportedException(); }

    /// <summary>The first bytes of the body (all of it when it fit in the head buffer).</summary>
    public ReadOnlySpan<byte> Head => head.AsSpan(0, headLength);

    /// <summary>The whole body when it fit in the head buffer, else null.</summary>
    public ReadOnlySpan<byte> WholeBody => total <= observation.CaptureLimit ? head.AsSpan(0, headLength) : default;

    /// <summary>The last bytes of the body, up to 8 KiB.</summary>
    public ReadOnlySpan<byte> Tail
    {
        get
        {
            if (tail is null)
            {
                return head.AsSpan(0, headLength)[(int)Math.Max(0, total - TailSize)..];
            }

            var length = (int)Math.Min(total, TailSize);
            var result = new byte[length];
            var end = (int)(total % TailSize);
            for (var i = 0; i < length; i++)
            {
                result[i] = tail[(end - length + i + TailSize) % TailSize];
            }

            return result;
        }
    }

    // Observing is synchronous, so the write is the inner stream's own task: no async frame per write.
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Observe(buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Observe(buffer);
        inner.Write(buffer);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    // Disposing leaves the client's response stream alone (the server owns it) and the captured bytes readable.

    private void Observe(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        observation.FirstByteTimestamp ??= time.GetTimestamp();
        if (total < observation.CaptureLimit)
        {
            Keep(data[..(int)Math.Min(data.Length, observation.CaptureLimit - total)]);
        }

        if (tail is null && total + data.Length > observation.CaptureLimit)
        {
            // Seeds the ring with the end of the head (all of the body so far) before the body outgrows it.
            tail = new byte[TailSize];
            var kept = head.AsSpan(0, (int)total);
            var seed = kept[(int)Math.Max(0, total - TailSize)..];
            var at = total - seed.Length;
            foreach (var b in seed)
            {
                tail[(int)(at++ % TailSize)] = b;
            }
        }

        if (tail is not null)
        {
            var skip = Math.Max(0, data.Length - TailSize);
            var position = total + skip;
            var rest = data[skip..];
            var start = (int)(position % TailSize);
            var first = Math.Min(rest.Length, TailSize - start);
            rest[..first].CopyTo(tail.AsSpan(start));
            rest[first..].CopyTo(tail);
        }

        total += data.Length;
    }

    // Appends to the head buffer (never beyond the capture limit, which the caller ensures).
    private void Keep(ReadOnlySpan<byte> data)
    {
        var needed = headLength + data.Length;
        if (needed > head.Length)
        {
            var limit = observation.CaptureLimit;
            var size = head.Length == 0 && observation.ExpectedLength is { } expected && expected >= needed && expected <= limit
                ? (int)expected
                : Math.Min(limit, Math.Max(needed, Math.Max(InitialHead, head.Length * 2)));
            var grown = new byte[size];
            head.AsSpan(0, headLength).CopyTo(grown);
            head = grown;
        }

        data.CopyTo(head.AsSpan(headLength));
        headLength = needed;
    }
}
