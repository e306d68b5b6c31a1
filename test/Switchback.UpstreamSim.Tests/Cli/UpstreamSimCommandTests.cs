using System.CommandLine;
using System.Text;
using Switchback.Cli.Commands;
using Switchback.UpstreamSim.Tests.Support;

namespace Switchback.UpstreamSim.Tests.Cli;

public sealed class UpstreamSimCommandTests
{
    private static ParseResult Parse(string args) => UpstreamSimCommand.Create().Parse(args);

    [Theory]
    [InlineData("--profile nope", "--profile must be one of healthy, slow, flaky, down, oom, silent-regression; got 'nope'")]
    [InlineData("--down-mode sometimes", "--down-mode must be hang or refuse")]
    [InlineData("--error-rate 1.5", "--error-rate must be between 0 and 1")]
    [InlineData("--error-rate 0.6 --oom-rate 0.6", "--error-rate plus --oom-rate must not exceed 1")]
    [InlineData("--latency-ms 50 --latency-p99-ms 10", "--latency-p99-ms (10) must be at least the median latency (50)")]
    [InlineData("--latency-ms -3", "--latency-ms must be")]
    [InlineData("--listen ftp://127.0.0.1:9001", "--listen must be an http:// URL")]
    [InlineData("--seed abc", "abc")]
    public void Parse_BadValue_ReportsClearError(string args, string expected)
    {
        var result = Parse(args);

        Assert.Contains(result.Errors, e => e.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_AllFlags_NoErrors()
    {
        var result = Parse("--listen http://127.0.0.1:0 --profile silent-regression --seed 9 --error-rate 0.1 --latency-ms 5 "
            + "--latency-p99-ms 50 --inter-token-ms 1 --oom-rate 0.1 --regression-rate 0.4 --reset-share 0 --down-mode refuse --model-name x");

        Assert.Empty(result.Errors);
    }

    [Fact]
    public async Task Invoke_Valid_PrintsListeningLineServesAndStopsOnCancel()
    {
        var output = new SignallingWriter();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var parse = Parse("--listen http://127.0.0.1:0 --profile flaky --error-rate 0 --latency-ms 0");

        var run = parse.InvokeAsync(new InvocationConfiguration { Output = output }, cts.Token);
        var line = await output.FirstLine.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Matches(@"^upstream-sim \(flaky\) listening on http://127\.0\.0\.1:\d+$", line);
        using var client = new HttpClient();
        using var health = await client.GetAsync(line[(line.LastIndexOf(' ') + 1)..] + "/health", TestContext.Current.CancellationToken);
        Assert.True(health.IsSuccessStatusCode);
        await cts.CancelAsync();
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Invoke_PortInUse_ExitsOneWithOneLineError()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var error = new StringWriter();

        var exit = await Parse($"--listen http://127.0.0.1:{port} --profile healthy")
            .InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error }, TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        Assert.StartsWith($"upstream-sim: cannot listen on http://127.0.0.1:{port}", error.ToString());
        Assert.DoesNotContain("   at ", error.ToString());
    }

    private sealed class SignallingWriter : StringWriter
    {
        public TaskCompletionSource<string> FirstLine { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Encoding Encoding => Encoding.UTF8;

        public override Task WriteLineAsync(string? value)
        {
            FirstLine.TrySetResult(value ?? "");
            return base.WriteLineAsync(value);
        }
    }
}
