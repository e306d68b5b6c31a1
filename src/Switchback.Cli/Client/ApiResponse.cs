using System.Text.Json.Nodes;

namespace Switchback.Cli.Client;

/// <summary>One admin API answer: its status and its JSON body (null when the body is not JSON).</summary>
internal sealed record ApiResponse(int Status, JsonNode? Body, string Text)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    public string? ErrorCode => Body?["error"]?["code"]?.GetValue<string>();

    public string ErrorMessage => Body?["error"]?["message"]?.GetValue<string>() ?? $"HTTP {Status}: {Text}";
}
