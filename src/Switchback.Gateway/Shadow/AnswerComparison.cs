using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Gateway.Application;

namespace Switchback.Gateway.Shadow;

/// <summary>
/// Compares a shadow answer with the primary's. Similarity is the Jaccard index of the two answers' token sets after
/// normalising (lower-case, whitespace-separated tokens, punctuation at token edges trimmed): 1 for the same words in any
/// order, 0 for no shared word, and cheap — linear in the text, unlike an edit distance — which matters for long answers.
/// Stateless and thread-safe.
/// </summary>
internal static class AnswerComparison
{
    /// <summary>
    /// The answer text of a chat (<c>choices[0].message.content</c>), completion (<c>choices[0].text</c>) or Responses API
    /// (<c>output_text</c>, else its message items' text) body; null if none.
    /// </summary>
    public static string? AnswerText(ReadOnlySpan<byte> body, EndpointKind kind)
    {
        try
        {
            if (kind == EndpointKind.Responses)
            {
                var reader = new Utf8JsonReader(body);
                using var document = JsonDocument.ParseValue(ref reader);
                return OnlineEvaluators.ResponseText.ResponsesText(document.RootElement);
            }

            var root = JsonNode.Parse(body);
            var choice = root?["choices"] is JsonArray { Count: > 0 } choices ? choices[0] : null;
            var text = kind == EndpointKind.Chat ? choice?["message"]?["content"] : choice?["text"];
            return text is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Token-set Jaccard similarity in 0..1 of the normalised texts; two empty texts are equal (1).</summary>
    public static double Similarity(string a, string b)
    {
        var left = Tokens(a);
        var right = Tokens(b);
        if (left.Count == 0 && right.Count == 0)
        {
            return 1;
        }

        var shared = left.Count(right.Contains);
        return (double)shared / (left.Count + right.Count - shared);
    }

    /// <summary>Whether both texts parse as JSON objects (first) and, if so, whether they are structurally equal (second).</summary>
    public static (bool BothObjects, bool Equal) JsonEquality(string a, string b)
    {
        if (ParseObject(a) is { } left && ParseObject(b) is { } right)
        {
            return (true, JsonNode.DeepEquals(left, right));
        }

        return (false, false);
    }

    private static HashSet<string> Tokens(string text)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var trimmed = token.Trim('.', ',', ';', ':', '!', '?', '"', '\'', '(', ')', '[', ']', '{', '}');
            if (trimmed.Length > 0)
            {
                set.Add(trimmed);
            }
        }

        return set;
    }

    private static JsonObject? ParseObject(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
