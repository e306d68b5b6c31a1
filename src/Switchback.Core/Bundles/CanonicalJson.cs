using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchback.Core.Bundles;

/// <summary>
/// Canonical JSON text of a tree (see docs/canonical-json.md): keys sorted by ordinal UTF-16 code units, no insignificant
/// whitespace, minimal string escaping, numbers normalised, so equivalent trees always give the same text.
/// </summary>
public static class CanonicalJson
{
    /// <summary>
    /// The canonical text of <paramref name="node"/> (<c>null</c> gives <c>null</c>). Throws <see cref="ArgumentException"/>
    /// for what has no canonical form: NaN, infinities, numbers out of the IEEE-754 double range, unpaired surrogates.
    /// </summary>
    public static string Serialize(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(builder, node);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, JsonNode? node)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject obj:
                WriteObject(builder, obj);
                break;
            case JsonArray array:
                builder.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(',');
                    }

                    Write(builder, array[i]);
                }

                builder.Append(']');
                break;
            case JsonValue value:
                WriteValue(builder, value);
                break;
            default:
                throw new ArgumentException($"unsupported JSON node {node.GetType().Name}", nameof(node));
        }
    }

    private static void WriteObject(StringBuilder builder, JsonObject obj)
    {
        var keys = new List<string>(obj.Count);
        foreach (var pair in obj)
        {
            keys.Add(pair.Key);
        }

        keys.Sort(StringComparer.Ordinal);
        builder.Append('{');
        for (var i = 0; i < keys.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            WriteString(builder, keys[i]);
            builder.Append(':');
            Write(builder, obj[keys[i]]);
        }

        builder.Append('}');
    }

    private static void WriteValue(StringBuilder builder, JsonValue value)
    {
        // A double (or a float, which converts) held by the node is checked first: JsonValueKind cannot describe NaN or infinity.
        if (value.TryGetValue<double>(out var d) && !double.IsFinite(d))
        {
            throw new ArgumentException($"{d} has no JSON form: NaN and infinities are not allowed");
        }

        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(builder, value.GetValue<string>());
                break;
            case JsonValueKind.Number:
                builder.Append(CanonicalNumber.Normalize(value.ToJsonString()));
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            case JsonValueKind.Null:
                builder.Append("null");
                break;
            default:
                throw new ArgumentException($"value of kind {value.GetValueKind()} has no canonical JSON form");
        }
    }

    /// <summary>Writes a JSON string escaping only what JSON requires: '"', '\' and control characters below U+0020.</summary>
    internal static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case < ' ':
                    builder.Append("\\u00").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        builder.Append(c).Append(text[++i]);
                    }
                    else if (char.IsSurrogate(c))
                    {
                        // An unpaired surrogate has no UTF-8 encoding, so it could not be hashed faithfully.
                        throw new ArgumentException($"string contains an unpaired surrogate U+{(int)c:X4} at position {i}");
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }
}
