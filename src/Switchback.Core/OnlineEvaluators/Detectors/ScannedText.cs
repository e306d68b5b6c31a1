using System.Text;

namespace Switchback.Core.OnlineEvaluators.Detectors;

/// <summary>The part of a response the text detectors scan, with what is known about the whole.</summary>
/// <param name="Scanned">At most the scan cap's worth of characters from the start.</param>
/// <param name="TotalLength">The whole response's length in UTF-16 code units.</param>
/// <param name="Partial">Whether <paramref name="Scanned"/> is shorter than the whole response.</param>
/// <param name="InvalidUtf8">Whether UTF-8 input held invalid sequences.</param>
internal readonly record struct ScannedText(ReadOnlyMemory<char> Scanned, int TotalLength, bool Partial, bool InvalidUtf8)
{
    /// <summary>Takes the first <paramref name="cap"/> characters of the input, decoding no more UTF-8 than that needs.</summary>
    public static ScannedText From(EvaluationInput input, int cap)
    {
        if (input.Text is { } text)
        {
            return new ScannedText(Prefix(text.AsMemory(), cap), text.Length, text.Length > cap, InvalidUtf8: false);
        }

        var bytes = input.Utf8.Span;
        var invalid = !System.Text.Unicode.Utf8.IsValid(bytes);
        // One UTF-8 byte never decodes to more than one UTF-16 unit, and one UTF-16 unit never needs more than three
        // bytes, so three bytes per character are enough to fill the cap.
        var take = (int)Math.Min(bytes.Length, 3L * cap);
        var decoded = Encoding.UTF8.GetString(bytes[..take]);
        var total = take == bytes.Length ? decoded.Length : Encoding.UTF8.GetCharCount(bytes);
        return new ScannedText(Prefix(decoded.AsMemory(), cap), total, total > cap, invalid);
    }

    // Cuts at the cap without splitting a surrogate pair.
    private static ReadOnlyMemory<char> Prefix(ReadOnlyMemory<char> text, int cap)
    {
        if (text.Length <= cap)
        {
            return text;
        }

        var end = char.IsHighSurrogate(text.Span[cap - 1]) ? cap - 1 : cap;
        return text[..end];
    }
}
