using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Switchback.Gateway.Signals;

/// <summary>
/// The bytes a replica ships for one version's second (docs/fleet.md "signal windows"): the counters, the named extra counters
/// (by name, so replicas of different software versions still merge), and the latency, time-to-first-token and response-length
/// sketches as sparse buckets with their layout, so a reader never merges sketches of different geometry. Compact (LEB128
/// integers) because every replica writes one per version per second; our own format because nothing else ships these
/// sketches. Stateless and thread-safe.
/// </summary>
internal static class SignalWindowCodec
{
    private const byte FormatVersion = 1;

    /// <summary>Encodes <paramref name="main"/> (and <paramref name="lengths"/>, the response-length window, when it has data).</summary>
    public static byte[] Encode(SignalWindow main, IReadOnlyList<string> counterNames, SignalWindow? lengths)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        WriteByte(buffer, FormatVersion);
        foreach (var value in (ReadOnlySpan<long>)[main.Requests, main.TokensIn, main.TokensOut, main.ThumbsUp, main.ThumbsDown, main.Escalations, main.FeedbackCount])
        {
            WriteUnsigned(buffer, value);
        }

        WriteSigned(buffer, main.ScoreMicros);
        foreach (var errors in main.Errors)
        {
            WriteUnsigned(buffer, errors);
        }

        var nonZero = 0;
        foreach (var c in main.Counters)
        {
            nonZero += c != 0 ? 1 : 0;
        }

        WriteUnsigned(buffer, nonZero);
        for (var i = 0; i < main.Counters.Length; i++)
        {
            if (main.Counters[i] != 0)
            {
                WriteString(buffer, counterNames[i]);
                WriteSigned(buffer, main.Counters[i]);
            }
        }

        WriteSketch(buffer, main.Latency);
        WriteOptionalSketch(buffer, main.TimeToFirstToken);
        WriteOptionalSketch(buffer, lengths is { Requests: > 0 } ? lengths.Latency : null);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Adds the window in <paramref name="payload"/> to <paramref name="main"/> and <paramref name="lengths"/>. Counters this
    /// process does not know are skipped. Throws <see cref="FormatException"/> on bytes that are not a window of this format.
    /// </summary>
    public static void AddTo(ReadOnlySpan<byte> payload, SignalWindow main, IReadOnlyList<string> counterNames, SignalWindow lengths)
    {
        var reader = new Reader(payload);
        if (reader.Byte() != FormatVersion)
        {
            throw new FormatException($"signal window format {payload[0]} is not known (this build reads {FormatVersion})");
        }

        main.Requests += reader.Unsigned();
        main.TokensIn += reader.Unsigned();
        main.TokensOut += reader.Unsigned();
        main.ThumbsUp += reader.Unsigned();
        main.ThumbsDown += reader.Unsigned();
        main.Escalations += reader.Unsigned();
        main.FeedbackCount += reader.Unsigned();
        main.ScoreMicros += reader.Signed();
        for (var i = 0; i < main.Errors.Length; i++)
        {
            main.Errors[i] += reader.Unsigned();
        }

        var counters = reader.Unsigned();
        for (var i = 0; i < counters; i++)
        {
            var name = reader.String();
            var value = reader.Signed();
            for (var k = 0; k < counterNames.Count; k++)
            {
                if (string.Equals(counterNames[k], name, StringComparison.Ordinal))
                {
                    main.Counters[k] += value;
                    break;
                }
            }
        }

        ReadSketch(ref reader, main.Latency);
        if (reader.Byte() == 1)
        {
            ReadSketch(ref reader, main.EnsureTimeToFirstToken());
        }

        if (reader.Byte() == 1)
        {
            var before = lengths.Latency.Count;
            ReadSketch(ref reader, lengths.Latency);
            lengths.Requests += lengths.Latency.Count - before;
        }

        if (!reader.AtEnd)
        {
            throw new FormatException("signal window has bytes after its end");
        }
    }

    private static void WriteOptionalSketch(ArrayBufferWriter<byte> buffer, LatencySketch? sketch)
    {
        if (sketch is null || sketch.Count == 0)
        {
            WriteByte(buffer, 0);
            return;
        }

        WriteByte(buffer, 1);
        WriteSketch(buffer, sketch);
    }

    private static void WriteSketch(ArrayBufferWriter<byte> buffer, LatencySketch sketch)
    {
        var layout = sketch.Layout;
        Span<byte> doubles = stackalloc byte[24];
        BinaryPrimitives.WriteDoubleLittleEndian(doubles, layout.RelativeAccuracy);
        BinaryPrimitives.WriteDoubleLittleEndian(doubles[8..], layout.MinValue);
        BinaryPrimitives.WriteDoubleLittleEndian(doubles[16..], layout.MaxValue);
        buffer.Write(doubles);
        WriteUnsigned(buffer, sketch.Count);
        WriteSigned(buffer, sketch.SumMicros);
        WriteUnsigned(buffer, sketch.Underflow);
        WriteUnsigned(buffer, sketch.Overflow);
        var used = 0;
        for (var i = 0; i < layout.BucketCount; i++)
        {
            used += sketch.BucketValue(i) != 0 ? 1 : 0;
        }

        WriteUnsigned(buffer, used);
        var previous = -1;
        for (var i = 0; i < layout.BucketCount; i++)
        {
            var count = sketch.BucketValue(i);
            if (count != 0)
            {
                WriteUnsigned(buffer, i - previous);
                WriteUnsigned(buffer, count);
                previous = i;
            }
        }
    }

    private static void ReadSketch(ref Reader reader, LatencySketch into)
    {
        var layout = into.Layout;
        var (accuracy, min, max) = (reader.Double(), reader.Double(), reader.Double());
        if (accuracy != layout.RelativeAccuracy || min != layout.MinValue || max != layout.MaxValue)
        {
            throw new FormatException(
                $"a shipped sketch has layout α={accuracy} over {min}..{max}, this process uses α={layout.RelativeAccuracy} over {layout.MinValue}..{layout.MaxValue}");
        }

        var count = reader.Unsigned();
        var sum = reader.Signed();
        var underflow = reader.Unsigned();
        var overflow = reader.Unsigned();
        var used = reader.Unsigned();
        var bucket = -1;
        long inBuckets = 0;
        for (var i = 0; i < used; i++)
        {
            bucket = checked(bucket + (int)reader.Unsigned());
            var c = reader.Unsigned();
            if (bucket >= layout.BucketCount || c is < 1 or > int.MaxValue)
            {
                throw new FormatException($"a shipped sketch names bucket {bucket} with count {c}");
            }

            into.AddBucket(bucket, (int)c);
            inBuckets += c;
        }

        if (inBuckets != count)
        {
            throw new FormatException($"a shipped sketch counts {count} values but its buckets hold {inBuckets}");
        }

        into.AddTotals(count, sum, underflow, overflow);
    }

    private static void WriteByte(ArrayBufferWriter<byte> buffer, byte value)
    {
        buffer.GetSpan(1)[0] = value;
        buffer.Advance(1);
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        WriteUnsigned(buffer, bytes.Length);
        buffer.Write(bytes);
    }

    private static void WriteSigned(ArrayBufferWriter<byte> buffer, long value) => WriteUnsigned(buffer, (long)(((ulong)value << 1) ^ (ulong)(value >> 63)));

    private static void WriteUnsigned(ArrayBufferWriter<byte> buffer, long value)
    {
        var span = buffer.GetSpan(10);
        var v = (ulong)value;
        var n = 0;
        while (v >= 0x80)
        {
            span[n++] = (byte)(v | 0x80);
            v >>= 7;
        }

        span[n++] = (byte)v;
        buffer.Advance(n);
    }

    /// <summary>A bounds-checked cursor over the payload; every read past the end is a <see cref="FormatException"/>.</summary>
    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        public readonly bool AtEnd => _at == _bytes.Length;

        public byte Byte() => _at < _bytes.Length ? _bytes[_at++] : throw Truncated();

        public long Unsigned()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = Byte();
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value <= long.MaxValue ? (long)value : throw new FormatException("a shipped count is out of range");
                }
            }

            throw new FormatException("a shipped integer is longer than 10 bytes");
        }

        public long Signed()
        {
            var raw = (ulong)UnsignedRaw();
            return (long)(raw >> 1) ^ -(long)(raw & 1);
        }

        public double Double()
        {
            if (_bytes.Length - _at < 8)
            {
                throw Truncated();
            }

            var value = BinaryPrimitives.ReadDoubleLittleEndian(_bytes[_at..]);
            _at += 8;
            return value;
        }

        public string String()
        {
            var length = Unsigned();
            if (length > _bytes.Length - _at)
            {
                throw Truncated();
            }

            var text = Encoding.UTF8.GetString(_bytes.Slice(_at, (int)length));
            _at += (int)length;
            return text;
        }

        private long UnsignedRaw()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = Byte();
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return (long)value;
                }
            }

            throw new FormatException("a shipped integer is longer than 10 bytes");
        }

        private static FormatException Truncated() => new("a shipped signal window ends early");
    }
}
