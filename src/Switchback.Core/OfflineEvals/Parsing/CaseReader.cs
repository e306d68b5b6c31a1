using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Core.OfflineEvals.Scorers;

namespace Switchback.Core.OfflineEvals.Parsing;

/// <summary>Reads one dataset line, adding every problem to the error list with the line number and field path.</summary>
internal sealed partial class CaseReader(int line, List<EvalDatasetError> errors)
{
    private const int MaxIdChars = 128;
    private const int MaxMessages = 256;
    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool"];

    public void Error(string field, string message) => errors.Add(new EvalDatasetError(line, field, message));

    public JsonObject? Object(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > EvalDataset.MaxLineBytes)
        {
            Error(EvalDatasetError.LineField, $"the line is {bytes.Length} bytes; the limit is {EvalDataset.MaxLineBytes} bytes (1 MiB)");
            return null;
        }

        if (EvalDataset.DecodeLine(bytes, out var utf8Error) is not { } text)
        {
            Error(EvalDatasetError.LineField, utf8Error!);
            return null;
        }

        var json = EvalDataset.ParseObject(text, out var jsonError);
        if (json is null)
        {
            Error(EvalDatasetError.LineField, jsonError!);
        }

        return json;
    }

    public DatasetDefaults Defaults(JsonObject line)
    {
        RejectUnknown(line, string.Empty, "defaults");
        if (line["defaults"] is not JsonObject defaults)
        {
            Error("defaults", $"expected an object with scorer, variables or pass_threshold, got {EvalDataset.Describe(line["defaults"])}");
            return DatasetDefaults.None;
        }

        RejectUnknown(defaults, "defaults", "scorer", "variables", "pass_threshold");
        var scorer = defaults["scorer"] is null ? null : Scorer(defaults["scorer"], "defaults.scorer");
        var threshold = defaults.ContainsKey("pass_threshold")
            ? Number(defaults["pass_threshold"], "defaults.pass_threshold", 0, 1) ?? EvalDataset.DefaultPassThreshold
            : EvalDataset.DefaultPassThreshold;
        return new DatasetDefaults(scorer, Variables(defaults["variables"], "defaults.variables", ImmutableDictionary<string, JsonNode?>.Empty), threshold);
    }

    public EvalCase? Case(JsonObject json, DatasetDefaults defaults)
    {
        var before = errors.Count;
        RejectUnknown(json, string.Empty, "id", "prompt", "messages", "variables", "expected", "scorer");
        var id = Id(json["id"]);
        var messages = Messages(json);
        var variables = Variables(json["variables"], "variables", defaults.Variables);
        var expected = json["expected"]?.DeepClone();
        var scorer = json.ContainsKey("scorer") ? Scorer(json["scorer"], "scorer") : defaults.Scorer;
        if (scorer is null && !json.ContainsKey("scorer"))
        {
            Error("scorer", "required field is missing (and the dataset has no defaults.scorer): expected {\"type\": \"exact\"|\"contains\"|\"regex\"|\"json_schema\"|\"numeric\"|\"judge\", …}");
        }

        if (scorer is not null)
        {
            CheckExpected(scorer, expected);
        }

        return errors.Count > before || id is null || scorer is null ? null : new EvalCase(id, line, messages, variables, expected, scorer);
    }

    private string? Id(JsonNode? node)
    {
        if (node is null)
        {
            Error("id", "required field is missing: expected a text id, unique in the dataset");
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String || node.GetValue<string>() is not { Length: > 0 and <= MaxIdChars } id || id.Any(char.IsControl))
        {
            Error("id", $"expected a text id of 1..{MaxIdChars} characters without control characters, got {EvalDataset.Describe(node)}");
            return null;
        }

        return id;
    }

    private ImmutableArray<EvalMessage> Messages(JsonObject json)
    {
        var hasPrompt = json.ContainsKey("prompt");
        var hasMessages = json.ContainsKey("messages");
        if (hasPrompt == hasMessages)
        {
            Error(hasPrompt ? "messages" : "prompt", hasPrompt
                ? "give either prompt or messages, not both"
                : "required field is missing: expected prompt (text) or messages (a list of {role, content})");
            return [];
        }

        if (hasPrompt)
        {
            return Text(json["prompt"], "prompt") is { } prompt ? [new EvalMessage("user", prompt)] : [];
        }

        if (json["messages"] is not JsonArray list || list.Count is 0 or > MaxMessages)
        {
            Error("messages", $"expected a list of 1..{MaxMessages} messages {{role, content}}, got {EvalDataset.Describe(json["messages"])}");
            return [];
        }

        var messages = ImmutableArray.CreateBuilder<EvalMessage>();
        for (var i = 0; i < list.Count; i++)
        {
            var at = $"messages[{i}]";
            if (list[i] is not JsonObject message)
            {
                Error(at, $"expected an object {{role, content}}, got {EvalDataset.Describe(list[i])}");
                continue;
            }

            RejectUnknown(message, at, "role", "content");
            var role = Text(message["role"], $"{at}.role");
            if (role is not null && !Roles.Contains(role))
            {
                Error($"{at}.role", $"'{role}' is not a role: expected one of {string.Join(", ", Roles)}");
                role = null;
            }

            if (Text(message["content"], $"{at}.content") is { } content && role is not null)
            {
                messages.Add(new EvalMessage(role, content));
            }
        }

        if (messages.Count > 0 && !messages.Any(m => m.Role == "user"))
        {
            Error("messages", "expected at least one user message");
        }

        return messages.ToImmutable();
    }

    private ImmutableDictionary<string, JsonNode?> Variables(JsonNode? node, string path, ImmutableDictionary<string, JsonNode?> inherited)
    {
        if (node is null)
        {
            return inherited;
        }

        if (node is not JsonObject map)
        {
            Error(path, $"expected an object of variable names to text, number or true/false, got {EvalDataset.Describe(node)}");
            return inherited;
        }

        var result = inherited.ToBuilder();
        foreach (var (name, value) in map)
        {
            if (value is not JsonValue || value.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
            {
                Error($"{path}.{name}", $"expected text, a number or true/false, got {EvalDataset.Describe(value)}");
                continue;
            }

            result[name] = value.DeepClone();
        }

        return result.ToImmutable();
    }

    private void CheckExpected(Scorer scorer, JsonNode? expected)
    {
        if (scorer.NeedsExpected && expected is null)
        {
            Error("expected", $"required by the {scorer.Type} scorer: expected the answer to compare with");
            return;
        }

        switch (scorer)
        {
            case NumericScorer when expected!.GetValueKind() != JsonValueKind.Number || !double.IsFinite(expected.GetValue<double>()):
                Error("expected", $"the numeric scorer needs a number, got {EvalDataset.Describe(expected)}");
                break;
            case ExactScorer when expected!.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False):
                Error("expected", $"the exact scorer needs text (or a number), got {EvalDataset.Describe(expected)}");
                break;
            case ContainsScorer when !IsTextOrTextList(expected!):
                Error("expected", $"the contains scorer needs a text or a non-empty list of non-empty texts, got {EvalDataset.Describe(expected)}");
                break;
        }
    }

    private static bool IsTextOrTextList(JsonNode node) => node switch
    {
        JsonArray list => list.Count > 0 && list.All(i => i?.GetValueKind() == JsonValueKind.String && i.GetValue<string>().Length > 0),
        _ => node.GetValueKind() == JsonValueKind.String && node.GetValue<string>().Length > 0,
    };

    private string? Text(JsonNode? node, string path)
    {
        if (node?.GetValueKind() == JsonValueKind.String)
        {
            return node.GetValue<string>();
        }

        Error(path, node is null ? "required field is missing: expected text" : $"expected text, got {EvalDataset.Describe(node)}");
        return null;
    }

    private double? Number(JsonNode? node, string path, double min, double max)
    {
        if (node?.GetValueKind() == JsonValueKind.Number && node.GetValue<double>() is var n && n >= min && n <= max)
        {
            return n;
        }

        Error(path, $"expected a number from {min} to {max}, got {EvalDataset.Describe(node)}");
        return null;
    }

    private bool? Bool(JsonObject map, string key, string path)
    {
        var node = map[key];
        switch (node?.GetValueKind())
        {
            case null when !map.ContainsKey(key):
                return null;
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                Error($"{path}.{key}", $"expected true or false, got {EvalDataset.Describe(node)}");
                return null;
        }
    }

    private void RejectUnknown(JsonObject map, string path, params string[] allowed)
    {
        foreach (var (key, _) in map)
        {
            if (!allowed.Contains(key))
            {
                Error(path.Length == 0 ? key : $"{path}.{key}", $"unknown field '{key}': expected one of {string.Join(", ", allowed)}");
            }
        }
    }
}
