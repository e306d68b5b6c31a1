using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Switchback.Cli.Demo.Scenarios;

/// <summary>
/// The silent scenario's golden dataset (docs/evals.md): support questions, each passing when the answer addresses it.
/// The simulated model server opens a good answer with <c>Answer to: QUESTION</c>; a wrong answer or a refusal does not.
/// </summary>
internal static class GoldenSet
{
    private static readonly string[] Tasks =
    [
        "reset my password", "change my shipping address", "cancel my order", "return a damaged item", "update my payment method",
        "track my parcel", "download my invoice", "close my account", "change my e-mail address", "apply a discount code",
        "get a refund", "talk to a human agent", "change my delivery date", "order as a business", "add a gift note",
        "report a missing item", "change my plan", "pause my subscription", "export my data", "turn on two-factor login",
    ];

    private static readonly string[] Forms = ["How do I {0}?", "Can I {0} from the app?"];

    /// <summary>The number of cases.</summary>
    public static int Cases => Tasks.Length * Forms.Length;

    /// <summary>The dataset as JSONL, one case a line.</summary>
    public static string Jsonl()
    {
        var text = new StringBuilder();
        var n = 0;
        foreach (var form in Forms)
        {
            foreach (var task in Tasks)
            {
                var question = string.Format(CultureInfo.InvariantCulture, form, task);
                var line = new JsonObject
                {
                    ["id"] = string.Create(CultureInfo.InvariantCulture, $"q{++n:00}"),
                    ["prompt"] = question,
                    ["expected"] = "Answer to: " + question,
                    ["scorer"] = new JsonObject { ["type"] = "contains" },
                };
                text.Append(line.ToJsonString()).Append('\n');
            }
        }

        return text.ToString();
    }
}
