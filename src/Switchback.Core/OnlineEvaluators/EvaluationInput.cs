namespace Switchback.Core.OnlineEvaluators;

/// <summary>
/// One response to evaluate: its whole text (a streamed response already assembled by the caller) as a string or as
/// UTF-8 bytes, what format the request asked for, and how the response ended.
/// </summary>
public sealed record EvaluationInput
{
    private EvaluationInput(string? text, ReadOnlyMemory<byte> utf8)
    {
        Text = text;
        Utf8 = utf8;
    }

    /// <summary>The response text, or null when the input was given as <see cref="Utf8"/>.</summary>
    public string? Text { get; }

    /// <summary>The response's UTF-8 bytes (possibly invalid UTF-8) when <see cref="Text"/> is null.</summary>
    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>The format the request asked for.</summary>
    /// <value>Default <see cref="ResponseFormat.Text"/>.</value>
    public ResponseFormat ResponseFormat { get; init; } = ResponseFormat.Text;

    /// <summary>The upstream's finish reason (<c>stop</c>, <c>length</c>, <c>content_filter</c>…), when known.</summary>
    public string? FinishReason { get; init; }

    /// <summary>Whether the stream ended before its final event (client gone, upstream cut, timeout).</summary>
    public bool StreamCutOff { get; init; }

    /// <summary>Whether the response is incomplete: the stream was cut off or generation stopped at <c>max_tokens</c>.</summary>
    public bool IsTruncated => StreamCutOff || string.Equals(FinishReason, "length", StringComparison.Ordinal);

    /// <summary>An input from the response text.</summary>
    public static EvaluationInput FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new EvaluationInput(text, ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>An input from the response's raw UTF-8 bytes; invalid UTF-8 is detected, not thrown.</summary>
    public static EvaluationInput FromUtf8(ReadOnlyMemory<byte> utf8) => new(null, utf8);
}
