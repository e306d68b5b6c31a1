using System.Buffers;

namespace Switchback.Core.OnlineEvaluators.Detectors;

/// <summary>
/// Finds refusal phrases in the first characters of a response, ignoring case, apostrophe variants (’ ‘ ʼ ` ´ ′) and
/// runs of white space. Immutable and thread-safe.
/// </summary>
internal sealed class RefusalDetector
{
    private readonly SearchValues<string>? _phrases;
    private readonly int _window;

    /// <summary>Compiles <paramref name="phrases"/>, searched within the first <paramref name="window"/> characters.</summary>
    public RefusalDetector(IEnumerable<string> phrases, int window)
    {
        var normalized = phrases.Select(p => Normalize(p.AsSpan().Trim())).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        _phrases = normalized.Length == 0 ? null : SearchValues.Create(normalized, StringComparison.Ordinal);
        _window = window;
    }

    /// <summary>Whether a phrase occurs in the window at the start of <paramref name="text"/>.</summary>
    public bool IsRefusal(ReadOnlySpan<char> text)
    {
        if (_phrases is null)
        {
            return false;
        }

        var window = text[..Math.Min(text.Length, _window)];
        var buffer = ArrayPool<char>.Shared.Rent(Math.Max(window.Length, 1));
        try
        {
            var length = Normalize(window, buffer);
            return buffer.AsSpan(0, length).IndexOfAny(_phrases) >= 0;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private static string Normalize(ReadOnlySpan<char> text)
    {
        var buffer = new char[text.Length];
        return new string(buffer, 0, Normalize(text, buffer));
    }

    // Lower-cases, maps apostrophe look-alikes to ' and collapses white space to one space; never longer than its input.
    private static int Normalize(ReadOnlySpan<char> text, Span<char> output)
    {
        var length = 0;
        var lastWasSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                if (!lastWasSpace)
                {
                    output[length++] = ' ';
                }

                lastWasSpace = true;
                continue;
            }

            lastWasSpace = false;
            output[length++] = c switch
            {
                '\u2019' or '\u2018' or '\u02BC' or '`' or '\u00B4' or '\u2032' or '\uFF07' => '\'',
                _ => char.ToLowerInvariant(c),
            };
        }

        return length;
    }
}
