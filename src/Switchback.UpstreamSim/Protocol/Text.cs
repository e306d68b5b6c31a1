using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Switchback.UpstreamSim.Protocol;

/// <summary>Allocation-free text helpers: rough token counts (whitespace words) and stable hashes.</summary>
internal static class Text
{
    /// <summary>Whitespace-separated words, the simulator's rough token count.</summary>
    public static int CountWords(ReadOnlySpan<char> text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var space = char.IsWhiteSpace(c);
            if (!space && !inWord)
            {
                count++;
            }

            inWord = !space;
        }

        return count;
    }

    /// <summary>The prefix of <paramref name="text"/> holding at most <paramref name="words"/> words.</summary>
    public static string TakeWords(string text, int words, out bool truncated)
    {
        var seen = 0;
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var space = char.IsWhiteSpace(text[i]);
            if (!space && !inWord && ++seen > words)
            {
                truncated = true;
                return text[..i].TrimEnd();
            }

            inWord = !space;
        }

        truncated = false;
        return text;
    }

    /// <summary>
    /// Where the streamed piece that starts at <paramref name="start"/> ends: one word with the whitespace before it, so the
    /// pieces concatenate back to the text.
    /// </summary>
    public static int PieceEnd(string text, int start)
    {
        var end = start;
        while (end < text.Length && char.IsWhiteSpace(text[end]))
        {
            end++;
        }

        while (end < text.Length && !char.IsWhiteSpace(text[end]))
        {
            end++;
        }

        return end;
    }

    /// <summary>A 64-bit hash that is stable across processes and machines (unlike <see cref="string.GetHashCode()"/>).</summary>
    public static ulong Hash(ReadOnlySpan<char> text, ulong seed) =>
        XxHash3.HashToUInt64(MemoryMarshal.AsBytes(text), unchecked((long)seed));

    /// <summary>At most <paramref name="max"/> characters, with an ellipsis when cut.</summary>
    public static string Truncate(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");

    /// <summary>Printable ASCII only, so a value received in JSON can be echoed in a response header.</summary>
    public static string HeaderSafe(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return string.Create(value.Length, value, static (span, v) =>
                {
                    for (var i = 0; i < v.Length; i++)
                    {
                        span[i] = v[i] is < ' ' or > '~' ? '?' : v[i];
                    }
                });
            }
        }

        return value;
    }
}
