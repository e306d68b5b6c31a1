using System.Net;
using System.Net.Sockets;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests;

public sealed class CliConnectionTests
{
    [Fact]
    public async Task Cli_ServerUnreachable_ExitsOneNamingTheUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var url = $"http://127.0.0.1:{port}";

        var result = await CliRunner.RunAsync(url, ServerProcess.AdminKey, "bundle", "list", "support-bot");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"cannot reach the Switchback server at {url}", result.Stderr);
    }

    [Fact]
    public async Task Cli_UnknownVerbOrMissingArgument_ExitsTwo()
    {
        Assert.Equal(2, (await CliRunner.RunAsync(null, null, "frobnicate")).ExitCode);
        Assert.Equal(2, (await CliRunner.RunAsync(null, null, "bundle", "show")).ExitCode);
        Assert.Equal(2, (await CliRunner.RunAsync(null, null, "bundle", "show", "not-a-version")).ExitCode);
    }

    [Fact]
    public async Task Cli_MissingManifestFile_ExitsOne()
    {
        var result = await CliRunner.RunAsync("http://127.0.0.1:9", ServerProcess.AdminKey, "apply", "-f", "/nonexistent/x.yaml");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("/nonexistent/x.yaml", result.Stderr);
    }
}
