using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Core.OfflineEvals.Parsing;

namespace Switchback.Core.OfflineEvals;

public sealed partial record EvalDataset
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Parses a JSONL dataset: one JSON object per line, blank lines ignored, an optional <c>{"defaults": …}</c> line first.
    /// Returns every error with its line number and field; never throws for bad input.
    /// </summary>
    public static EvalDatasetResult Parse(ReadOnlySpan<byte> utf8)
    {
        var errors = new List<EvalDatasetError>();
        if (utf8.Length > MaxBytes)
        {
            return new(null, [new EvalDatasetError(0, EvalDatasetError.LineField, $"the dataset is {utf8.Length} bytes; the limit is {MaxBytes} bytes (10 MiB)")]);
        }

        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(utf8));
        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        var cases = ImmutableArray.CreateBuilder<EvalCase>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var defaults = DatasetDefaults.None;
        var sawContent = false;
        var lineNumber = 0;
        while (!utf8.IsEmpty)
        {
            lineNumber++;
            var end = utf8.IndexOf((byte)'\n');
            var line = end < 0 ? utf8 : utf8[..end];
            utf8 = end < 0 ? [] : utf8[(end + 1)..];
            if (line.EndsWith("\r"u8))
            {
                line = line[..^1];
            }

            if (line.Trim(" \t"u8).IsEmpty)
            {
                continue;
            }

            var reader = new CaseReader(lineNumber, errors);
            if (reader.Object(line) is not { } json)
            {
                sawContent = true;
                continue;
            }

            if (json.ContainsKey("defaults"))
            {
                if (sawContent)
                {
                    reader.Error("defaults", "the defaults line must come before every case");
                }
                else
                {
                    defaults = reader.Defaults(json);
                }

                sawContent = true;
                continue;
            }

            sawContent = true;
            if (cases.Count == MaxCases)
            {
                errors.Add(new EvalDatasetError(lineNumber, EvalDatasetError.LineField, $"more than {MaxCases} cases; split the dataset"));
                break;
            }

            if (reader.Case(json, defaults) is { } evalCase)
            {
                if (!ids.Add(evalCase.Id))
                {
                    reader.Error("id", $"duplicate id '{evalCase.Id}': ids must be unique in a dataset");
                    continue;
                }

                cases.Add(evalCase);
            }
        }

        if (errors.Count == 0 && cases.Count == 0)
        {
            errors.Add(new EvalDatasetError(0, EvalDatasetError.LineField, "the dataset has no cases: expected one JSON object per line with id, prompt or messages, and a scorer"));
        }

        return errors.Count > 0
            ? new(null, errors)
            : new(new EvalDataset(cases.ToImmutable(), digest, defaults.PassThreshold), []);
    }

    /// <summary>Parses a dataset given as text (UTF-8 encoded first, so the digest is of the UTF-8 bytes).</summary>
    public static EvalDatasetResult Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(Encoding.UTF8.GetBytes(text));
    }

    internal static string? DecodeLine(ReadOnlySpan<byte> line, out string? error)
    {
        error = null;
        try
        {
            return StrictUtf8.GetString(line);
        }
        catch (DecoderFallbackException ex)
        {
            error = $"not valid UTF-8 (bad byte sequence at column {ex.Index + 1})";
            return null;
        }
    }

    internal static JsonObject? ParseObject(string text, out string? error)
    {
        error = null;
        try
        {
            var node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false });
            if (node is JsonObject obj)
            {
                return obj;
            }

            error = $"expected a JSON object, got {Describe(node)}";
        }
        catch (JsonException ex)
        {
            error = $"invalid JSON: {ex.Message}";
        }

        return null;
    }

    internal static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            _ => node.ToJsonString(),
        },
    };
}
