using System.Text.Json;

namespace Switchback.Core.OfflineEvals;

/// <summary>
/// Parses a judge's verdict strictly: the whole answer (white space around it aside) must be the single token <c>PASS</c> or
/// <c>FAIL</c>, or one JSON object <c>{"score": 0..1, "reason": "…"}</c> with nothing else. Anything else scores 0 with
/// reason "unparseable verdict": a verdict is never guessed from prose, since a judge that rambles is a judge that failed.
/// </summary>
public static class JudgeVerdict
{
    /// <summary>The reason given for every verdict that does not follow the contract.</summary>
    public const string Unparseable = "unparseable verdict";

    private const int MaxVerdictChars = 64 * 1024;

    /// <summary>The score and reason in <paramref name="text"/>, or score 0 with <see cref="Unparseable"/> and what was wrong.</summary>
    public static CaseScore Parse(string? text)
    {
        if (text is null)
        {
            return Fail("no verdict");
        }

        if (text.Length > MaxVerdictChars)
        {
            return Fail($"the verdict is longer than {MaxVerdictChars} characters");
        }

        var verdict = text.Trim();
        if (verdict == "PASS")
        {
            return CaseScore.Pass("judge: PASS");
        }

        if (verdict == "FAIL")
        {
            return CaseScore.Fail("judge: FAIL");
        }

        if (!verdict.StartsWith('{'))
        {
            return Fail("expected PASS, FAIL or a JSON object {\"score\", \"reason\"}");
        }

        try
        {
            using var doc = JsonDocument.Parse(verdict, new JsonDocumentOptions { MaxDepth = 8 });
            return FromObject(doc.RootElement);
        }
        catch (JsonException)
        {
            return Fail("not a single JSON object");
        }
    }

    private static CaseScore FromObject(JsonElement root)
    {
        double? score = null;
        string? reason = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "score" when score is null && property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDouble(out var s):
                    score = s;
                    break;
                case "reason" when reason is null && property.Value.ValueKind == JsonValueKind.String:
                    reason = property.Value.GetString();
                    break;
                default:
                    return Fail($"unexpected or repeated field '{property.Name}' (expected a numeric score and a string reason only)");
            }
        }

        if (score is not { } value || !(value is >= 0 and <= 1))
        {
            return Fail(score is null ? "no numeric score" : "score outside 0..1");
        }

        return new CaseScore(value, "judge: " + (string.IsNullOrWhiteSpace(reason) ? "no reason given" : reason));
    }

    private static CaseScore Fail(string detail) => CaseScore.Fail($"{Unparseable}: {detail}");
}
