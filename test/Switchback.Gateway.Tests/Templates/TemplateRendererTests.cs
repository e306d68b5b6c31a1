using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Switchback.Core.Access;
using Switchback.Gateway.Bundles;
using Switchback.Gateway.Hosting;
using Switchback.Gateway.Templates;
using Switchback.Storage;

namespace Switchback.Gateway.Tests.Templates;

/// <summary>The limits of <see cref="TemplateRenderer"/> that the end-to-end tests cannot steer: the clock, cancellation, nesting, settings.</summary>
public sealed class TemplateRendererTests
{
    private static readonly Dictionary<string, JsonNode?> NoVariables = [];

    [Fact]
    public void Render_PastTheBundlesTimeout_IsTemplateLimitExceededNamingIt()
    {
        var time = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMilliseconds(10) };
        var renderer = Renderer(time: time);
        var bundle = Bundle(renderer, "{% for i in (1..50) %}x{% endfor %}", timeoutMs: 100);

        var (text, error) = renderer.Render(bundle, NoVariables, timed: true, CancellationToken.None);

        Assert.Null(text);
        Assert.Equal("template_limit_exceeded", error?.Code);
        Assert.Contains("time limit of 100 ms", error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Untimed_IgnoresTheClock()
    {
        var time = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMilliseconds(10) };
        var renderer = Renderer(time: time);

        var (text, _) = renderer.Render(Bundle(renderer, "{% for i in (1..50) %}x{% endfor %}", timeoutMs: 100), NoVariables, timed: false, CancellationToken.None);

        Assert.Equal(new string('x', 50), text);
    }

    [Fact]
    public void Render_ClientGoesAwayMidRender_StopsWithOperationCanceled()
    {
        using var client = new CancellationTokenSource();
        var clock = new CancellingClock(client, after: 20);
        var renderer = Renderer(time: clock);
        var bundle = Bundle(renderer, "{% for i in (1..50000) %}x{% endfor %}");

        Assert.ThrowsAny<OperationCanceledException>(() => renderer.Render(bundle, NoVariables, timed: true, client.Token));
        Assert.InRange(clock.Reads, 20, 30);
    }

    [Fact]
    public void Render_LoopsNestedDeeperThanTheLimit_NamesTheNestingLimit()
    {
        var renderer = Renderer();
        var source = string.Concat(Enumerable.Repeat("{% for i in (1..1) %}", 40)) + "x" + string.Concat(Enumerable.Repeat("{% endfor %}", 40));

        var (_, error) = renderer.Render(Bundle(renderer, source), NoVariables, timed: true, CancellationToken.None);

        Assert.Equal("template_limit_exceeded", error?.Code);
        Assert.Contains("nesting limit of 32 levels", error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ConfiguredLimits_Apply()
    {
        var renderer = Renderer(o =>
        {
            o.TemplateMaxSteps = 10;
            o.TemplateMaxOutputBytes = 2000;
        });

        var (_, steps) = renderer.Render(Bundle(renderer, "{% for i in (1..20) %}{% endfor %}"), NoVariables, timed: true, CancellationToken.None);
        var (_, output) = renderer.Render(Bundle(renderer, "{{ s }}"), new Dictionary<string, JsonNode?> { ["s"] = new string('é', 1001) }, timed: true, CancellationToken.None);
        var (fits, _) = renderer.Render(Bundle(renderer, "{{ s }}"), new Dictionary<string, JsonNode?> { ["s"] = new string('é', 1000) }, timed: true, CancellationToken.None);

        Assert.Contains("step limit of 10 steps", steps?.Message, StringComparison.Ordinal);
        Assert.Contains("output limit of 2000 bytes", output?.Message, StringComparison.Ordinal);
        Assert.Equal(1000, fits?.Length);
    }

    [Fact]
    public void Render_UndefinedVariable_IsStillTemplateRenderFailed()
    {
        var renderer = Renderer();

        var (_, error) = renderer.Render(Bundle(renderer, "Hello {{ nobody }}"), NoVariables, timed: true, CancellationToken.None);

        Assert.Equal("template_render_failed", error?.Code);
    }

    [Theory]
    [InlineData(0, 32, 1024)]
    [InlineData(100_000_001, 32, 1024)]
    [InlineData(100, 0, 1024)]
    [InlineData(100, 1001, 1024)]
    [InlineData(100, 32, 1023)]
    public void Options_TemplateLimitsOutOfRange_AreRefusedAtStart(int steps, int recursion, int output)
    {
        var options = new GatewayOptions { TemplateMaxSteps = steps, TemplateMaxRecursion = recursion, TemplateMaxOutputBytes = output };

        Assert.Throws<ArgumentException>(options.Validate);
    }

    private static TemplateRenderer Renderer(Action<GatewayOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new GatewayOptions();
        configure?.Invoke(options);
        return new TemplateRenderer(Options.Create(options), time ?? TimeProvider.System);
    }

    private static ServingBundle Bundle(TemplateRenderer renderer, string system, int? timeoutMs = null)
    {
        var content = new JsonObject
        {
            ["model"] = new JsonObject { ["provider"] = "openai", ["endpoint"] = "http://127.0.0.1:9/v1", ["name"] = "m" },
            ["prompt"] = new JsonObject { ["system"] = system },
            ["serving"] = timeoutMs is { } ms ? new JsonObject { ["timeout_ms"] = ms } : null,
        };
        return new BundleReader(UpstreamKeyPolicy.Default, renderer).Read(new StoredBundle("svc", 1, "sha256:" + system.GetHashCode(), content.ToJsonString(), DateTimeOffset.UnixEpoch, "test", false));
    }

    /// <summary>A clock that cancels the client's token on its n-th read: the render checks both together, so it must stop right there.</summary>
    private sealed class CancellingClock(CancellationTokenSource client, int after) : TimeProvider
    {
        public int Reads { get; private set; }

        public override long GetTimestamp()
        {
            if (++Reads == after)
            {
                client.Cancel();
            }

            return base.GetTimestamp();
        }
    }
}
