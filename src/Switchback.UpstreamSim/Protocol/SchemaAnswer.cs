using System.Buffers;
using System.Text.Json;

namespace Switchback.UpstreamSim.Protocol;

/// <summary>
/// Writes a JSON value that conforms to a simple JSON Schema, as a model in strict structured-output mode would: every
/// property of an object (required or not, none beyond them), the first <c>enum</c> value or the <c>const</c>, the first
/// alternative of <c>anyOf</c>/<c>oneOf</c>, the first type of a type list, local <c>$ref</c>s
/// (<c>#/$defs/…</c>, <c>#/definitions/…</c>) followed, <c>minItems</c> items for an array (at least one), numbers and
/// string lengths kept inside <c>minimum</c>/<c>maximum</c>/<c>minLength</c>/<c>maxLength</c>. Strings carry the answer
/// text, so the question still shows. <c>pattern</c> and <c>format</c> are not honoured. Pure.
/// </summary>
internal static class SchemaAnswer
{
    private const int MaxDepth = 32;

    /// <summary>The conforming JSON text for <paramref name="schema"/>, with <paramref name="text"/> in its strings.</summary>
    public static string Build(JsonElement schema, string text, ulong salt)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, schema, schema, text, salt, 0);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter json, JsonElement root, JsonElement schema, string text, ulong salt, int depth)
    {
        if (depth > MaxDepth || schema.ValueKind != JsonValueKind.Object)
        {
            // `true`, `{}` or a schema too deep to follow: any value is allowed, the answer text is one.
            json.WriteStringValue(text);
            return;
        }

        if (schema.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String)
        {
            var target = Resolve(root, reference.GetString()!);
            if (target is { } resolved)
            {
                Write(json, root, resolved, text, salt, depth + 1);
            }
            else
            {
                json.WriteStringValue(text);
            }

            return;
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            constant.WriteTo(json);
            return;
        }

        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0)
        {
            values[0].WriteTo(json);
            return;
        }

        foreach (var combinator in (ReadOnlySpan<string>)["anyOf", "oneOf"])
        {
            if (schema.TryGetProperty(combinator, out var alternatives) && alternatives.ValueKind == JsonValueKind.Array && alternatives.GetArrayLength() > 0)
            {
                Write(json, root, alternatives[0], text, salt, depth + 1);
                return;
            }
        }

        switch (TypeOf(schema))
        {
            case "object":
                WriteObject(json, root, schema, text, salt, depth);
                break;
            case "array":
                var items = schema.TryGetProperty("items", out var i) ? i : default;
                var count = Math.Max(1, Limit(schema, "minItems") ?? 1);
                json.WriteStartArray();
                for (var n = 0; n < count; n++)
                {
                    Write(json, root, items, text, salt + (ulong)n, depth + 1);
                }

                json.WriteEndArray();
                break;
            case "integer":
                json.WriteNumberValue((long)Clamp(schema, salt % 100));
                break;
            case "number":
                json.WriteNumberValue(Clamp(schema, (salt % 1000) / 10.0));
                break;
            case "boolean":
                json.WriteBooleanValue(salt % 2 == 0);
                break;
            case "null":
                json.WriteNullValue();
                break;
            default:
                json.WriteStringValue(Sized(schema, text));
                break;
        }
    }

    private static void WriteObject(Utf8JsonWriter json, JsonElement root, JsonElement schema, string text, ulong salt, int depth)
    {
        json.WriteStartObject();
        if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            var n = 0UL;
            foreach (var property in properties.EnumerateObject())
            {
                json.WritePropertyName(property.Name);
                Write(json, root, property.Value, text, salt + n++, depth + 1);
            }
        }
        else if (!(schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False))
        {
            json.WriteString("answer", text);
        }

        json.WriteEndObject();
    }

    private static string? TypeOf(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return schema.TryGetProperty("properties", out _) ? "object" : null;
        }

        if (type.ValueKind == JsonValueKind.String)
        {
            return type.GetString();
        }

        // ["string", "null"]: the first non-null type, as a model would prefer a value.
        if (type.ValueKind == JsonValueKind.Array)
        {
            string? first = null;
            foreach (var t in type.EnumerateArray())
            {
                if (t.ValueKind == JsonValueKind.String)
                {
                    first ??= t.GetString();
                    if (!t.ValueEquals("null"))
                    {
                        return t.GetString();
                    }
                }
            }

            return first;
        }

        return null;
    }

    private static JsonElement? Resolve(JsonElement root, string reference)
    {
        foreach (var prefix in (ReadOnlySpan<string>)["#/$defs/", "#/definitions/"])
        {
            if (reference.StartsWith(prefix, StringComparison.Ordinal)
                && root.TryGetProperty(prefix[2..^1], out var defs) && defs.ValueKind == JsonValueKind.Object
                && defs.TryGetProperty(reference[prefix.Length..], out var target))
            {
                return target;
            }
        }

        return reference == "#" ? root : null;
    }

    private static double Clamp(JsonElement schema, double value)
    {
        if (Bound(schema, "minimum") is { } min && value < min)
        {
            value = min;
        }

        if (Bound(schema, "exclusiveMinimum") is { } xmin && value <= xmin)
        {
            value = Math.Floor(xmin) + 1;
        }

        if (Bound(schema, "maximum") is { } max && value > max)
        {
            value = max;
        }

        if (Bound(schema, "exclusiveMaximum") is { } xmax && value >= xmax)
        {
            value = Math.Ceiling(xmax) - 1;
        }

        return value;
    }

    private static string Sized(JsonElement schema, string text)
    {
        if (Limit(schema, "maxLength") is { } max && text.Length > max)
        {
            text = text[..max];
        }

        if (Limit(schema, "minLength") is { } min && text.Length < min)
        {
            text = text.PadRight(min, '.');
        }

        return text;
    }

    private static double? Bound(JsonElement schema, string name)
        => schema.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static int? Limit(JsonElement schema, string name)
        => schema.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= 0 ? Math.Min(n, 1000) : null;
}
