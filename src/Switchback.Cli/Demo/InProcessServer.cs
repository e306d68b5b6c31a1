using Microsoft.Extensions.Logging;
using Switchback.Server.Hosting;

namespace Switchback.Cli.Demo;

/// <summary>
/// <c>switchback serve</c> hosted in this process (the same <see cref="SwitchbackServer.RunAsync"/>), on a free loopback port.
/// Stopped by <see cref="DisposeAsync"/>, which waits until the server has shut down.
/// </summary>
internal sealed class InProcessServer : IAsyncDisposable
{
    private readonly CancellationTokenSource stop;
    private readonly Task<int> run;
    private readonly StringWriter errors;

    private InProcessServer(CancellationTokenSource stop, Task<int> run, StringWriter errors, Uri url)
    {
        this.stop = stop;
        this.run = run;
        this.errors = errors;
        Url = url;
    }

    /// <summary>The bound base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Url { get; }

    public static async Task<InProcessServer> StartAsync(string store, string adminKey, CancellationToken ct)
    {
        var output = new LineWatcher(SwitchbackServer.ListeningPrefix);
        var errors = new StringWriter();
        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var options = new ServerOptions { Listen = "http://127.0.0.1:0", Store = store, BootstrapAdminKey = adminKey, LogLevel = LogLevel.Error };
        var run = Task.Run(() => SwitchbackServer.RunAsync(options, output, TextWriter.Synchronized(errors), stop.Token), CancellationToken.None);
        var first = await Task.WhenAny(output.Found, run);
        if (first != output.Found)
        {
            await stop.CancelAsync();
            stop.Dispose();
            throw new InvalidOperationException($"the server did not start (exit {await run}): {errors.ToString().Trim()}");
        }

        return new InProcessServer(stop, run, errors, new Uri((await output.Found).Trim()));
    }

    /// <summary>What the server wrote to its error stream so far.</summary>
    public string Errors => errors.ToString();

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await run;
        }
        catch (OperationCanceledException)
        {
            // Cancelled before it finished starting: nothing more to stop.
        }

        stop.Dispose();
    }

    /// <summary>Discards what the server prints, except the rest of the line that starts with the prefix.</summary>
    private sealed class LineWatcher(string prefix) : StringWriter
    {
        private readonly TaskCompletionSource<string> found = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> Found => found.Task;

        public override void WriteLine(string? value)
        {
            if (value is not null && value.StartsWith(prefix, StringComparison.Ordinal))
            {
                found.TrySetResult(value[prefix.Length..]);
            }
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }
    }
}
