using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests;

/// <summary>The limits <c>switchback serve</c> puts on clients (docs/security.md, "Gateway limits"), through its flags.</summary>
public sealed class ServeLimitTests : IDisposable
{
    private readonly TempDir dir = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task Serve_BodyOverMaxRequestBody_Is413RequestTooLarge()
    {
        using var server = await ServerProcess.StartAsync(dir.SqliteStore, arguments: ["--max-request-body", "2048"]);
        using var http = server.CreateHttpClient(apiKey: null);

        var body = new JsonObject { ["model"] = "svc", ["prompt"] = new string('x', 4096) }.ToJsonString();
        using var response = await http.PostAsync("v1/completions", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!;
        Assert.Equal(("invalid_request_error", "request_too_large"), ((string?)error["type"], (string?)error["code"]));
        Assert.Contains("2048 bytes", (string?)error["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(150, 10)]
    [InlineData(1, 40 * 1024)]
    public async Task Serve_TooManyOrTooLargeHeaders_Is431(int count, int size)
    {
        using var server = await ServerProcess.StartAsync(dir.SqliteStore);
        using var http = server.CreateHttpClient(apiKey: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "healthz");
        for (var i = 0; i < count; i++)
        {
            request.Headers.TryAddWithoutValidation($"x-filler-{i}", new string('h', size));
        }

        using var response = await http.SendAsync(request, Ct);

        // Kestrel refuses these while reading the headers, before any middleware runs: the status is the whole answer.
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        using var fine = await http.GetAsync("healthz", Ct);
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task Serve_BodySentSlowerThanMinClientRate_Is408RequestTimeout()
    {
        using var server = await ServerProcess.StartAsync(dir.SqliteStore, arguments: ["--min-client-rate", "1000", "--client-rate-grace", "2s"]);
        var address = new Uri(server.Url);
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port, Ct);
        var stream = client.GetStream();

        // Promises 100 KB and sends 20 bytes: far below 1,000 bytes/s once the 2 s grace is over.
        var head = $"POST /v1/chat/completions HTTP/1.1\r\nHost: {address.Authority}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{\"model\":\"svc\",\"a\":\"";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Ct);

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answer = await reader.ReadToEndAsync(Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.StartsWith("HTTP/1.1 408", answer, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"request_timeout\"", answer, StringComparison.Ordinal);
        Assert.Contains("--min-client-rate", answer, StringComparison.Ordinal);
    }
}
