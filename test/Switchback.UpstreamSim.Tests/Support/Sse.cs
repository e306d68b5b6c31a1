using System.Text.Json;

namespace Switchback.UpstreamSim.Tests.Support;

/// <summary>Reads server-sent events the way an OpenAI client does: <c>data: ...</c> lines separated by blank lines.</summary>
internal static class Sse
{
    public static async Task<List<string>> ReadAllDataAsync(HttpResponseMessage response)
    {
        var ct = TestContext.Current.CancellationToken;
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        var events = new List<string>();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            Assert.StartsWith("data: ", line);
            events.Add(line["data: ".Length..]);
        }

        return events;
    }

    /// <summary>Typed events (<c>event: TYPE</c> then <c>data: JSON</c>) as the Responses API streams them.</summary>
    public static async Task<List<(string Event, JsonElement Data)>> ReadTypedEventsAsync(HttpResponseMessage response)
    {
        var ct = TestContext.Current.CancellationToken;
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        var events = new List<(string, JsonElement)>();
        string? type = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                Assert.Null(type);
                type = line["event: ".Length..];
                continue;
            }

            Assert.StartsWith("data: ", line);
            Assert.NotNull(type);
            using var doc = JsonDocument.Parse(line["data: ".Length..]);
            events.Add((type, doc.RootElement.Clone()));
            type = null;
        }

        Assert.Null(type);
        return events;
    }

    /// <summary>The concatenated <c>delta.content</c> of chat chunks (everything but <c>[DONE]</c>).</summary>
    public static string ChatContent(IEnumerable<string> events)
    {
        var text = "";
        foreach (var e in events.Where(e => e != "[DONE]"))
        {
            using var doc = JsonDocument.Parse(e);
            foreach (var choice in doc.RootElement.GetProperty("choices").EnumerateArray())
            {
                if (choice.GetProperty("delta").TryGetProperty("content", out var c))
                {
                    text += c.GetString();
                }
            }
        }

        return text;
    }
}
