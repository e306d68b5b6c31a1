using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchback.FunctionalTests.Infrastructure;
using Switchback.Server.Telemetry;

namespace Switchback.FunctionalTests.Telemetry;

/// <summary>
/// OpenTelemetry as `switchback serve` exports it: a real server pointed at a real OTLP/HTTP receiver by the standard
/// <c>OTEL_*</c> variables, a chat through a canary with a shadow, and the spans, links, trace context and metrics received.
/// </summary>
public sealed class OtlpExportTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Serve_WithOtlpEndpoint_ExportsGenAiSpans_ChildAttempt_Traceparent_ShadowLink_AndMetrics()
    {
        using var dir = new TempDir();
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var upstream = await TraceparentRecorder.StartAsync();
        using var server = await ServerProcess.StartAsync(dir.SqliteStore, environment: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
            ["OTEL_SERVICE_NAME"] = "switchback-test",
        });
        var bundles = string.Join("---\n", Enumerable.Range(1, 3).Select(v => Manifests.Bundle("svc", v, 0.2, $"{upstream.Base}/up{v}/v1")));
        var apply = await server.CliAsync("apply", "-f", dir.Write("svc.yaml", bundles));
        Assert.True(apply.ExitCode == 0, apply.ToString());
        using var admin = server.CreateHttpClient();
        using (var put = await admin.PutAsJsonAsync("api/v1/deployments/svc/routing", new { candidate = 2, candidate_weight = 100, shadow = 3, shadow_sample = 100, reason = "otel test" }, Ct))
        {
            Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync(Ct));
        }

        using (var chat = await Svc.ChatAsync(server.CreateHttpClient(apiKey: null), "user-1"))
        {
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        }

        var request = await receiver.WaitForSpanAsync(s => s.Scope == "Switchback.Gateway" && Attr(s, "switchback.arm") == "candidate", Wait, "for the candidate's request");
        Assert.Equal("chat svc", request.Name);
        Assert.Equal(3, request.Kind); // SPAN_KIND_CLIENT, as the GenAI conventions ask
        Assert.Equal("chat", Attr(request, "gen_ai.operation.name"));
        Assert.Equal("svc", Attr(request, "gen_ai.request.model"));
        Assert.Equal("openai", Attr(request, "gen_ai.provider.name"));
        Assert.Equal("llama-upstream-2", Attr(request, "gen_ai.response.model"));
        Assert.Equal("stop", Attr(request, "gen_ai.response.finish_reasons"));
        Assert.Equal("11", Attr(request, "gen_ai.usage.input_tokens"));
        Assert.Equal("7", Attr(request, "gen_ai.usage.output_tokens"));
        Assert.Equal("svc", Attr(request, "switchback.deployment"));
        Assert.Equal("2", Attr(request, "switchback.version"));
        Assert.Equal("false", Attr(request, "switchback.failover"));
        Assert.StartsWith("sha256:", Attr(request, "switchback.bundle.digest"), StringComparison.Ordinal);
        Assert.Null(Attr(request, "error.type"));

        // The upstream attempt is HttpClient's own span (System.Net.Http), a child of the request's; its context is the
        // traceparent the upstream received.
        var attempt = await receiver.WaitForSpanAsync(s => s.Scope == "System.Net.Http" && s.ParentSpanId.SequenceEqual(request.SpanId), Wait, "for the upstream attempt");
        Assert.Equal(3, attempt.Kind);
        var traceparent = Assert.Single(upstream.Received, r => r.Path == "/up2/v1/chat/completions").Traceparent;
        // Flags: sampled (01), and in .NET 10 also W3C level 2's random trace id (02).
        Assert.Matches($"^00-{Hex(request.TraceId)}-{Hex(attempt.SpanId)}-0[13]$", traceparent);

        // The server span (ASP.NET Core's) is the request span's parent: a client's own traceparent would continue there.
        var serverSpan = await receiver.WaitForSpanAsync(s => s.SpanId.SequenceEqual(request.ParentSpanId), Wait, "for the server span");
        Assert.Equal("Microsoft.AspNetCore", serverSpan.Scope);

        var shadow = await receiver.WaitForSpanAsync(s => s.Scope == "Switchback.Gateway" && Attr(s, "switchback.arm") == "shadow", Wait, "for the shadow request");
        Assert.Equal("chat svc", shadow.Name);
        Assert.Equal("3", Attr(shadow, "switchback.version"));
        Assert.False(shadow.TraceId.SequenceEqual(request.TraceId), "the shadow has a trace of its own");
        var link = Assert.Single(shadow.Links);
        Assert.Equal((Hex(request.TraceId), Hex(request.SpanId)), (Hex(link.TraceId), Hex(link.SpanId)));
        Assert.Contains(upstream.Received, r => r.Path == "/up3/v1/chat/completions" && r.Traceparent?.Contains(Hex(shadow.TraceId), StringComparison.Ordinal) == true);

        var duration = await receiver.WaitForPointAsync("gen_ai.client.operation.duration", p => Attr(p.Attributes, "switchback.version") == "2", Wait);
        Assert.True(duration.Count >= 1);
        Assert.Equal(("chat", "svc", "svc"), (Attr(duration.Attributes, "gen_ai.operation.name"), Attr(duration.Attributes, "gen_ai.request.model"), Attr(duration.Attributes, "switchback.deployment")));
        var input = await receiver.WaitForPointAsync("gen_ai.client.token.usage", p => Attr(p.Attributes, "switchback.version") == "2" && Attr(p.Attributes, "gen_ai.token.type") == "input", Wait);
        Assert.Equal(11, input.Sum);
        Assert.True(receiver.Refused.IsEmpty, string.Join("; ", receiver.Refused));
    }

    [Fact]
    public async Task Serve_WithOtlpEndpoint_ExportsTheControllersDecisions_RollbackSpanCarriesTheGuardrailEvidence()
    {
        using var dir = new TempDir();
        await using var receiver = await OtlpReceiver.StartAsync();
        using var v1 = await Sim.StartAsync("healthy");
        using var v2 = await Sim.StartAsync("flaky", "--error-rate", "0.4");
        using var server = await ServerProcess.StartAsync(dir.SqliteStore, environment: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRICS_EXPORTER"] = "none",
        });
        await Svc.RegisterAsync(server, dir, v1.Url, v2.Url);
        var start = await server.CliAsync("rollout", "start", "svc", "-f", dir.Write("rollout.yaml", Manifests.Canary()));
        Assert.True(start.ExitCode == 0, start.ToString());
        using var http = server.CreateHttpClient();
        var status = await Svc.DriveUntilFinishedAsync(http, TimeSpan.FromSeconds(30));
        Assert.Equal("rolled_back", status["phase"]!.GetValue<string>());
        var rollout = status["id"]!.ToString();

        // The first step's decision and the rollback are spans of their own, named by the decision's kind.
        var started = await receiver.WaitForSpanAsync(s => s.Scope == "Switchback.Controller" && s.Name == "rollout step_started", Wait, "for the step's span");
        Assert.Equal((rollout, "svc", "2"), (Attr(started, "switchback.rollout.id"), Attr(started, "switchback.deployment"), Attr(started, "switchback.version")));
        var rollback = await receiver.WaitForSpanAsync(s => s.Scope == "Switchback.Controller" && s.Name == "rollout rolled_back", Wait, "for the rollback's span");
        Assert.Equal(1, rollback.Kind); // SPAN_KIND_INTERNAL
        Assert.Equal((rollout, "svc", "rolled_back", "2", "1"), (Attr(rollback, "switchback.rollout.id"), Attr(rollback, "switchback.deployment"),
            Attr(rollback, "switchback.decision"), Attr(rollback, "switchback.version"), Attr(rollback, "switchback.stable_version")));
        Assert.Equal("rolled_back", Attr(rollback, "switchback.rollout.phase"));
        Assert.Contains("error_rate", Attr(rollback, "switchback.decision.reason"), StringComparison.Ordinal);

        // One event per guardrail with its evidence: the breached comparison's e-value at or over its threshold.
        var evidence = Assert.Single(rollback.Events, e => e.Name == "switchback.guardrail.evidence");
        Assert.Equal(("error_rate:compare", "hard", "true"), (Attr(evidence.Attributes, "switchback.guardrail"),
            Attr(evidence.Attributes, "switchback.guardrail.severity"), Attr(evidence.Attributes, "switchback.guardrail.breached")));
        var eValue = double.Parse(Attr(evidence.Attributes, "switchback.guardrail.e_value")!, System.Globalization.CultureInfo.InvariantCulture);
        var threshold = double.Parse(Attr(evidence.Attributes, "switchback.guardrail.threshold")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(eValue >= threshold && threshold > 1, $"e-value {eValue}, threshold {threshold}");
        Assert.False(string.IsNullOrEmpty(Attr(evidence.Attributes, "switchback.guardrail.summary")));

        Assert.True(receiver.Refused.IsEmpty, string.Join("; ", receiver.Refused));
    }

    [Fact]
    public void ExportChoice_IsOffByDefault_AndFollowsTheOtelVariables()
    {
        static OtelExportChoice Choose(params (string Name, string Value)[] set)
            => OtelExportChoice.From(name => set.FirstOrDefault(v => v.Name == name).Value);

        Assert.Equal(new OtelExportChoice(false, false), Choose());
        Assert.Equal(new OtelExportChoice(true, true), Choose(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")));
        Assert.Equal(new OtelExportChoice(true, false), Choose(("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/v1/traces")));
        Assert.Equal(new OtelExportChoice(false, true), Choose(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"), ("OTEL_TRACES_EXPORTER", "none")));
        Assert.Equal(new OtelExportChoice(true, false), Choose(("OTEL_TRACES_EXPORTER", "otlp")));
        Assert.Equal(new OtelExportChoice(false, false), Choose(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"), ("OTEL_SDK_DISABLED", "true")));
        var bad = Assert.Throws<ArgumentException>(() => Choose(("OTEL_TRACES_EXPORTER", "zipkin")));
        Assert.Contains("OTEL_TRACES_EXPORTER=zipkin", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WithAnExporterItDoesNotHave_RefusesToStart()
    {
        using var dir = new TempDir();
        using var child = ChildProcess.Start(["serve", "--listen", "http://127.0.0.1:0", "--store", dir.SqliteStore], new Dictionary<string, string?>
        {
            ["SWITCHBACK_ADMIN_KEY"] = ServerProcess.AdminKey,
            ["OTEL_METRICS_EXPORTER"] = "prometheus",
        });
        Assert.Equal(1, await child.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("OTEL_METRICS_EXPORTER=prometheus: switchback exports only 'otlp'", child.Stderr, StringComparison.Ordinal);
    }

    private static string? Attr(OtlpSpan span, string key) => Attr(span.Attributes, key);

    private static string? Attr(List<KeyValue> attributes, string key) => attributes.FirstOrDefault(a => a.Key == key)?.Value?.ToString();

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>An OpenAI-shaped upstream that records each request's path and <c>traceparent</c> and answers with usage.</summary>
    private sealed class TraceparentRecorder : IAsyncDisposable
    {
        private readonly WebApplication app;

        private TraceparentRecorder(WebApplication app) => this.app = app;

        public string Base => app.Urls.First().TrimEnd('/');

        public ConcurrentQueue<(string Path, string? Traceparent)> Received { get; } = new();

        public static async Task<TraceparentRecorder> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var recorder = new TraceparentRecorder(builder.Build());
            recorder.app.Run(context =>
            {
                var header = context.Request.Headers["traceparent"].ToString();
                recorder.Received.Enqueue((context.Request.Path.Value!, header.Length == 0 ? null : header));
                var version = context.Request.Path.Value![3];
                context.Response.ContentType = "application/json";
                return context.Response.WriteAsync($$$"""{"id":"c1","object":"chat.completion","model":"llama-upstream-{{{version}}}","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18}}""");
            });
            await recorder.app.StartAsync();
            return recorder;
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
