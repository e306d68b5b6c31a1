using Switchback.Server.Hosting;

namespace Switchback.FunctionalTests;

public sealed class ServerOptionsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8800", "127.0.0.1", 8800)]
    [InlineData("http://127.0.0.1:0", "127.0.0.1", 0)]
    [InlineData("http://localhost:9000", "127.0.0.1", 9000)]
    [InlineData("http://0.0.0.0:80", "0.0.0.0", 80)]
    [InlineData("http://[::1]:8800", "::1", 8800)]
    public void TryParseListen_ValidUrl_ReturnsEndpoint(string listen, string address, int port)
    {
        Assert.True(ServerOptions.TryParseListen(listen, out var endpoint, out var problem), problem);
        Assert.Equal(address, endpoint.Address.ToString());
        Assert.Equal(port, endpoint.Port);
    }

    [Theory]
    [InlineData("127.0.0.1:8800", "not a URL")]
    [InlineData("ftp://127.0.0.1:8800", "not a URL")]
    [InlineData("http://127.0.0.1", "must name a port")]
    [InlineData("http://127.0.0.1:8800/admin", "path")]
    [InlineData("http://example.com:8800", "IP address or localhost")]
    public void TryParseListen_InvalidUrl_SaysWhy(string listen, string expected)
    {
        Assert.False(ServerOptions.TryParseListen(listen, out _, out var problem));
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Validate_Defaults_AreValid() => Assert.Empty(new ServerOptions().Validate());

    [Theory]
    [InlineData("https://127.0.0.1:0", null, null, "is https: give --tls-cert and --tls-key")]
    [InlineData("https://127.0.0.1:0", "c.pem", null, "go together")]
    [InlineData("http://127.0.0.1:0", "c.pem", "k.pem", "need an https://")]
    public void Validate_TlsAndListenDisagree_SaysHow(string listen, string? certificate, string? key, string expected)
    {
        var problem = Assert.Single(new ServerOptions { Listen = listen, TlsCertificate = certificate, TlsKey = key }.Validate());

        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LimitsOutOfRange_NamesEachFlag()
    {
        var problems = new ServerOptions { MaxUpstreamResponseBytes = 10, MaxConcurrentStreams = 0, MinClientBytesPerSecond = -1, ClientRateGrace = TimeSpan.FromSeconds(1), UpstreamCaFile = "/nonexistent/ca.pem" }.Validate();

        Assert.Equal(5, problems.Count);
        foreach (var flag in new[] { "--max-upstream-response", "--max-concurrent-streams", "--min-client-rate", "--client-rate-grace", "--upstream-ca" })
        {
            Assert.Contains(problems, p => p.Contains(flag, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Validate_BadUpstreamKeyVars_NamesTheSettingAndPattern()
    {
        var problem = Assert.Single(new ServerOptions { UpstreamKeyVariables = "OK_*,BAD-NAME" }.Validate());

        Assert.Contains("--upstream-key-vars", problem, StringComparison.Ordinal);
        Assert.Contains("'BAD-NAME'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ShortAdminKeyAndEmptyStore_ReportsBoth()
    {
        var problems = new ServerOptions { Store = " ", BootstrapAdminKey = "short" }.Validate();

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("--store"));
        Assert.Contains(problems, p => p.Contains("SWITCHBACK_ADMIN_KEY"));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("1h", 3600)]
    [InlineData("2d", 172_800)]
    public void TryParseInterval_ZeroOrWholeNumberWithUnit_Parses(string text, int seconds)
    {
        Assert.True(ServerOptions.TryParseInterval(text, out var interval));
        Assert.Equal(TimeSpan.FromSeconds(seconds), interval);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("h")]
    [InlineData("1.5h")]
    [InlineData("-1h")]
    [InlineData("1w")]
    [InlineData("1h30m")]
    public void TryParseInterval_Other_Fails(string text) => Assert.False(ServerOptions.TryParseInterval(text, out _));

    [Fact]
    public void Validate_AuditHeadInterval_ZeroOrFromOneSecond()
    {
        Assert.Equal(TimeSpan.FromHours(1), new ServerOptions().AuditHeadInterval);
        Assert.Empty(new ServerOptions { AuditHeadInterval = TimeSpan.Zero }.Validate());
        Assert.Contains(new ServerOptions { AuditHeadInterval = TimeSpan.FromMilliseconds(10) }.Validate(), p => p.Contains("--audit-head-interval"));
    }
}
