using System.Text.Json.Nodes;

namespace Switchback.Gateway.Tests.PassThrough;

/// <summary>Server-sent events of a whole answer: chat's <c>data:</c> payloads, or the Responses API's typed events.</summary>
internal static class Sse
{
    public static List<string> Data(string stream)
        => [.. stream.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l["data: ".Length..])];

    public static List<(string Type, JsonNode Data)> Typed(string stream)
        => [.. stream.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e =>
        {
            var lines = e.Split('\n');
            Assert.StartsWith("event: ", lines[0]);
            Assert.StartsWith("data: ", lines[1]);
            var data = JsonNode.Parse(lines[1]["data: ".Length..])!;
            Assert.Equal(lines[0]["event: ".Length..], (string?)data["type"]);
            return (lines[0]["event: ".Length..], data);
        })];
}
