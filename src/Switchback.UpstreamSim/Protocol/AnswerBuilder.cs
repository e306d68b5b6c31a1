using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchback.UpstreamSim.Faults;

namespace Switchback.UpstreamSim.Protocol;

/// <summary>
/// Builds answer text as a pure function of (seed, request content, plan): the same prompt gets the same good answer
/// from any simulator with the same seed, which is what shadow-agreement and eval comparisons need.
/// </summary>
internal static class AnswerBuilder
{
    public const string RefusalText = "I'm sorry, I can't help with that.";
    private const int EchoLength = 80;

    private static readonly string[] Vocabulary =
    [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima",
        "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey",
        "xray", "yankee", "zulu", "model", "answer", "context", "policy", "support", "result",
    ];

    /// <param name="prefix">"Answer to" for chat, "Completion of" for text completions.</param>
    /// <param name="question">The last user message or the prompt; echoed so tests can see what arrived.</param>
    /// <param name="contentHash">Hash of the whole request content (every message, with roles).</param>
    /// <param name="plan">Decides whether and how the answer is silently bad.</param>
    /// <param name="format">JSON mode: the answer as <c>{"answer": ...}</c>, or with a schema, a value conforming to it
    /// (<see cref="SchemaAnswer"/>) whose strings carry the answer.</param>
    public static string Build(string prefix, string question, ulong contentHash, RequestPlan plan, OutputFormat format)
    {
        var answer = plan.Bad switch
        {
            BadAnswer.Wrong => string.Create(CultureInfo.InvariantCulture,
                $"The answer is definitely {Vocabulary[(int)(plan.Salt % (ulong)Vocabulary.Length)]} {plan.Salt % 1000}."),
            BadAnswer.Refusal => RefusalText,
            _ => GoodAnswer(prefix, question, contentHash),
        };

        answer = plan.Bad switch
        {
            BadAnswer.Email => string.Create(CultureInfo.InvariantCulture,
                $"{answer} For details write to jane.doe{plan.Salt % 10_000}@example.com."),
            BadAnswer.CardNumber => $"{answer} The card on file is {LuhnNumber(plan.Salt)}.",
            _ => answer,
        };

        if (!format.Json)
        {
            return answer;
        }

        var json = format.Schema is { } schema
            ? SchemaAnswer.Build(schema, answer, contentHash)
            : "{\"answer\": " + JsonSerializer.Serialize(answer, SimJsonContext.Default.String) + "}";

        // An unterminated value is what a model that lost track of the JSON mode emits (a scalar cut short may still parse,
        // so it is opened as an array instead).
        return plan.Bad != BadAnswer.InvalidJson ? json : json[0] is '{' or '[' or '"' ? json[..^1] : "[" + json;
    }

    /// <summary>The JSON arguments of a forced function call: <c>{"query": "&lt;the question, max 80 chars&gt;"}</c>.</summary>
    public static string ToolArguments(string question)
        => "{\"query\":" + JsonSerializer.Serialize(Text.Truncate(question.Trim(), EchoLength), SimJsonContext.Default.String) + "}";

    /// <summary>A 16-digit number starting with 4 that passes the Luhn check, grouped by four.</summary>
    public static string LuhnNumber(ulong salt)
    {
        Span<int> digits = stackalloc int[16];
        digits[0] = 4;
        var s = salt;
        for (var i = 1; i < 15; i++)
        {
            digits[i] = (int)(s % 10);
            s = (s / 10) ^ (salt >> i);
        }

        var sum = 0;
        for (var i = 0; i < 15; i++)
        {
            // Counting from the check digit leftwards, every second digit is doubled; here those are the even indices.
            var d = i % 2 == 0 ? digits[i] * 2 : digits[i];
            sum += d > 9 ? d - 9 : d;
        }

        digits[15] = (10 - (sum % 10)) % 10;
        var sb = new StringBuilder(19);
        for (var i = 0; i < 16; i++)
        {
            if (i > 0 && i % 4 == 0)
            {
                sb.Append(' ');
            }

            sb.Append((char)('0' + digits[i]));
        }

        return sb.ToString();
    }

    private static string GoodAnswer(string prefix, string question, ulong contentHash)
    {
        var rng = new SimRandom(contentHash);
        var words = 6 + rng.NextInt(18);
        var sb = new StringBuilder(prefix.Length + EchoLength + (words * 9));
        sb.Append(prefix).Append(": ").Append(Text.Truncate(question.Trim(), EchoLength)).Append(". Sim says");
        for (var i = 0; i < words; i++)
        {
            sb.Append(' ').Append(Vocabulary[rng.NextInt(Vocabulary.Length)]);
        }

        return sb.Append('.').ToString();
    }
}
