using System.Globalization;
using System.Text.Json;

namespace Switchback.Gateway.Tests.Hosting;

/// <summary>
/// "The upstream received this JSON value unchanged": a value the client sent is in the body the upstream received with
/// the very same bytes (the gateway copies values it does not own, it never re-serialises them), which also makes it the
/// same JSON value.
/// </summary>
internal static class UpstreamAssert
{
    /// <summary>Each top-level field in <paramref name="fields"/> of <paramref name="clientBody"/> reached <paramref name="upstreamBody"/> byte for byte.</summary>
    public static void ReceivedUnchanged(string clientBody, string upstreamBody, params string[] fields)
    {
        foreach (var field in fields)
        {
            ReceivedUnchangedAt(clientBody, field, upstreamBody, field);
        }
    }

    /// <summary>
    /// The value at <paramref name="clientPath"/> of the client's body is the value at <paramref name="upstreamPath"/> of the
    /// upstream's, byte for byte. A path is names and array indices joined by <c>/</c>; a negative index counts from the end
    /// (<c>messages/-1/content</c>: the last message's content, wherever a system message was put in front).
    /// </summary>
    public static void ReceivedUnchangedAt(string clientBody, string clientPath, string upstreamBody, string upstreamPath)
    {
        using var sent = JsonDocument.Parse(clientBody);
        using var received = JsonDocument.Parse(upstreamBody);
        var expected = At(sent.RootElement, clientPath) ?? throw new InvalidOperationException($"the client body has nothing at '{clientPath}'");
        var actual = At(received.RootElement, upstreamPath);
        Assert.True(actual is not null, $"the upstream received nothing at '{upstreamPath}'");
        Assert.Equal(expected.GetRawText(), actual.Value.GetRawText());
        Assert.True(JsonElement.DeepEquals(expected, actual.Value));
    }

    private static JsonElement? At(JsonElement element, string path)
    {
        foreach (var segment in path.Split('/'))
        {
            if (element.ValueKind == JsonValueKind.Array && int.TryParse(segment, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
            {
                index = index < 0 ? element.GetArrayLength() + index : index;
                if (index < 0 || index >= element.GetArrayLength())
                {
                    return null;
                }

                element = element[index];
            }
            else if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(segment, out element))
            {
                return null;
            }
        }

        return element;
    }
}
