using System.Text.Json;

namespace Switchback.Core.OnlineEvaluators.Detectors;

/// <summary>
/// Checks that UTF-8 bytes are one JSON value with <see cref="Utf8JsonReader"/>: a forward-only reader with no recursion,
/// so nesting deeper than the limit is an error, never a stack overflow.
/// </summary>
internal static class JsonChecker
{
    /// <summary>Null when <paramref name="utf8"/> is valid JSON (an object, if <paramref name="requireObject"/>), else why not.</summary>
    public static string? Check(ReadOnlySpan<byte> utf8, int maxDepth, bool requireObject)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            return "the response is not valid UTF-8";
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            MaxDepth = maxDepth,
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        });
        try
        {
            if (!reader.Read())
            {
                return "the response holds no JSON value";
            }

            if (requireObject && reader.TokenType != JsonTokenType.StartObject)
            {
                return $"expected a JSON object, found {Describe(reader.TokenType)}";
            }

            while (reader.Read())
            {
                // Reading to the end validates every token, the nesting and that nothing follows the root value.
            }

            return null;
        }
        catch (JsonException ex)
        {
            return ex.Message;
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
