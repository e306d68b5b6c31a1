using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ProtoBuf;

namespace Switchback.FunctionalTests.Infrastructure;

/// <summary>
/// A minimal OTLP/HTTP receiver on a loopback port: accepts <c>POST /v1/traces</c> and <c>POST /v1/metrics</c> in
/// <c>application/x-protobuf</c>, as a collector does, and keeps every span and histogram it decodes.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication app;

    private OtlpReceiver(WebApplication app) => this.app = app;

    /// <summary>The base address to give as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public string Endpoint => app.Urls.First().TrimEnd('/');

    public ConcurrentQueue<OtlpSpan> Spans { get; } = new();

    public ConcurrentQueue<OtlpMetric> Metrics { get; } = new();

    /// <summary>Every export request's body as received (protobuf keeps strings as UTF-8, so a secret in any attribute shows in it).</summary>
    public ConcurrentQueue<byte[]> Payloads { get; } = new();

    /// <summary>Requests refused for a wrong content type, which would mean the exporter did not speak OTLP/HTTP protobuf.</summary>
    public ConcurrentQueue<string> Refused { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new OtlpReceiver(builder.Build());
        receiver.app.MapPost("/v1/traces", (Delegate)receiver.TracesAsync);
        receiver.app.MapPost("/v1/metrics", (Delegate)receiver.MetricsAsync);
        await receiver.app.StartAsync();
        return receiver;
    }

    /// <summary>Waits (at most <paramref name="limit"/>) until a span matches <paramref name="match"/>.</summary>
    public async Task<OtlpSpan> WaitForSpanAsync(Func<OtlpSpan, bool> match, TimeSpan limit, string what)
    {
        for (var until = DateTimeOffset.UtcNow + limit; DateTimeOffset.UtcNow < until; await Task.Delay(50))
        {
            if (Spans.FirstOrDefault(match) is { } span)
            {
                return span;
            }
        }

        throw new TimeoutException($"no span {what} within {limit}; received: {string.Join("; ", Spans.Select(s => $"{s.Scope}/{s.Name}"))}{string.Join(" ", Refused)}");
    }

    /// <summary>Waits (at most <paramref name="limit"/>) until a histogram point of <paramref name="name"/> matches <paramref name="match"/>.</summary>
    public async Task<HistogramDataPoint> WaitForPointAsync(string name, Func<HistogramDataPoint, bool> match, TimeSpan limit)
    {
        for (var until = DateTimeOffset.UtcNow + limit; DateTimeOffset.UtcNow < until; await Task.Delay(50))
        {
            if (Metrics.Where(m => m.Name == name).SelectMany(m => m.Histogram?.DataPoints ?? []).FirstOrDefault(match) is { } point)
            {
                return point;
            }
        }

        throw new TimeoutException($"no point of {name} within {limit}; metrics received: {string.Join(", ", Metrics.Select(m => m.Name).Distinct())}");
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task<IResult> TracesAsync(HttpContext context)
    {
        if (await ReadAsync<ExportTraceServiceRequest>(context) is not { } request)
        {
            return Results.StatusCode(415);
        }

        foreach (var scope in request.ResourceSpans.SelectMany(r => r.ScopeSpans))
        {
            foreach (var span in scope.Spans)
            {
                span.Scope = scope.Scope?.Name ?? string.Empty;
                Spans.Enqueue(span);
            }
        }

        // An empty ExportTraceServiceResponse: full success.
        return Results.Bytes([], "application/x-protobuf");
    }

    private async Task<IResult> MetricsAsync(HttpContext context)
    {
        if (await ReadAsync<ExportMetricsServiceRequest>(context) is not { } request)
        {
            return Results.StatusCode(415);
        }

        foreach (var metric in request.ResourceMetrics.SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics))
        {
            Metrics.Enqueue(metric);
        }

        return Results.Bytes([], "application/x-protobuf");
    }

    private async Task<T?> ReadAsync<T>(HttpContext context)
        where T : class
    {
        if (context.Request.ContentType != "application/x-protobuf")
        {
            Refused.Enqueue($"{context.Request.Path}: {context.Request.ContentType}");
            return null;
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        Payloads.Enqueue(buffer.ToArray());
        buffer.Position = 0;
        return Serializer.Deserialize<T>(buffer);
    }
}
