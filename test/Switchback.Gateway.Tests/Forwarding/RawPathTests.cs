using System.Text.Json.Nodes;
using Switchback.Gateway.Tests.Hosting;

namespace Switchback.Gateway.Tests.Forwarding;

/// <summary>
/// <c>/d/{deployment}/{**path}</c> carries the upstream credential, so its path must only ever name paths under the
/// bundle's base path, however the client encodes it. Requests are sent over a raw socket so the exact bytes reach the gateway.
/// </summary>
public sealed class RawPathTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> ProbeForms => new()
    {
        "/d/echo/%5c..%5c..%5c..%5c..%5cadmin/secret",
        "/d/echo/%252e%252e/%252e%252e/%252e%252e/root",
        "/d/echo/..%2f..%2f..%2fadmin",
        "/d/echo/%2e%2e%2f%2e%2e%2fadmin",
        "/d/echo/a/../admin",
        "/d/echo/./admin",
        "/d/echo/..;/admin",
        "/d/echo/%25252e%25252e/admin",
        "/d/echo/%2525252e%2525252e/admin",
        "/d/echo/a%0d%0aHost:%20evil",
        "/d/echo/a%2500b",
        "/d/echo/a%7fb",
        "/d/echo/%EF%BC%8E%EF%BC%8E/admin",
    };

    public static TheoryData<string, string> LegitimateForms => new()
    {
        { "/d/echo/invocations", "/base/v1/invocations" },
        { "/d/echo/v2/models/m/infer?x=1", "/base/v1/v2/models/m/infer?x=1" },
        { "/d/echo/a%20b/c", "/base/v1/a%20b/c" },
        { "/d/echo/a%3Fb%23c", "/base/v1/a%3Fb%23c" },
        { "/d/echo/100%25", "/base/v1/100%25" },
        { "/d/echo/x%2Fy", "/base/v1/x%2Fy" },
        { "/d/echo/caf%C3%A9/v1.2/file.json", "/base/v1/caf%C3%A9/v1.2/file.json" },
        { "/d/echo/...data", "/base/v1/...data" },
    };

    [Theory]
    [MemberData(nameof(ProbeForms))]
    public async Task Raw_PathLeavingTheBase_Is400InvalidPathAndNothingReachesTheUpstream(string target)
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await StartAsync(upstream);

        var (status, body) = await RawHttp.SendAsync(host.Address, "GET", target, Ct);

        Assert.Equal(400, status);
        Assert.Equal("invalid_path", (string?)JsonNode.Parse(body)!["error"]!["code"]);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task Raw_GeneratedDotAndSeparatorEncodings_AreAll400AndTheUpstreamSeesNothing()
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await StartAsync(upstream);
        string[] dots = [".", "..", "%2e", "%2E", "%2e%2e", "%2E%2e", ".%2e", "%2e.", "%252e%252e", "%252E.", "%25252e%25252e", "%25252E."];
        string[] separators = ["/", "%2f", "%2F", "%5c", "%5C", "%255c", "%252f", "%25255C", "/%5c", "%5c/"];
        var wrong = new List<string>();

        foreach (var dot in dots)
        {
            foreach (var separator in separators)
            {
                foreach (var depth in new[] { 1, 2, 4 })
                {
                    // The prefix is deeper than the deepest climb, so that even the forms Kestrel resolves itself still reach /d/.
                    var target = "/d/echo/a/b/c/d" + string.Concat(Enumerable.Repeat(separator + dot, depth)) + separator + "admin/secret";
                    var (status, body) = await RawHttp.SendAsync(host.Address, "GET", target, Ct);
                    if (status != 400 || !body.Contains("\"invalid_path\"", StringComparison.Ordinal))
                    {
                        wrong.Add($"{target} -> {status} {body}");
                    }
                }
            }
        }

        Assert.Empty(wrong);
        Assert.Empty(upstream.Requests);
    }

    /// <summary>Forms Kestrel itself may already refuse (then its 400 has no body): either way the answer is 400 and nothing goes up.</summary>
    [Theory]
    [InlineData("/d/echo/\\..\\..\\admin/secret")]
    [InlineData("/d/echo/a%00b")]
    public async Task Raw_RawBackslashOrNul_IsRefusedAndNothingReachesTheUpstream(string target)
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await StartAsync(upstream);

        var (status, _) = await RawHttp.SendAsync(host.Address, "GET", target, Ct);

        Assert.Equal(400, status);
        Assert.Empty(upstream.Requests);
    }

    [Theory]
    [MemberData(nameof(LegitimateForms))]
    public async Task Raw_LegitimatePath_PassesThroughUnchanged(string target, string expected)
    {
        await using var upstream = await RecordingUpstream.StartAsync();
        await using var host = await StartAsync(upstream);

        var (status, _) = await RawHttp.SendAsync(host.Address, "GET", target, Ct);

        Assert.Equal(200, status);
        var seen = Assert.Single(upstream.Requests);
        Assert.Equal(expected, seen.RawTarget);
        Assert.StartsWith("/base/v1/", seen.PathAndQuery, StringComparison.Ordinal);
    }

    private static Task<GatewayHost> StartAsync(RecordingUpstream upstream)
        => GatewayHost.StartAsync(seed: store => GatewayHost.RegisterAsync(store, "echo", new JsonObject
        {
            ["model"] = new JsonObject { ["provider"] = "http", ["endpoint"] = new Uri(upstream.BaseAddress, "base/v1").ToString() },
        }));
}
