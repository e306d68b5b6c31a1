using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Switchback.Control.Rollouts;
using Switchback.Gateway.Telemetry;

namespace Switchback.Server.Telemetry;

/// <summary>Registers the OpenTelemetry SDK with the OTLP exporter when <see cref="OtelExportChoice"/> says so.</summary>
internal static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Subscribes to Switchback's sources and meter and exports them over OTLP, configured by the <c>OTEL_EXPORTER_OTLP_*</c>
    /// variables (endpoint, protocol, headers, timeout) as the SDK reads them; does nothing when the choice is off, so no
    /// listener exists and every span start returns null.
    /// </summary>
    public static IServiceCollection AddSwitchbackTelemetry(this IServiceCollection services, IConfiguration configuration, OtelExportChoice choice)
    {
        if (!choice.Any)
        {
            return services;
        }

        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "switchback"));
        if (choice.Traces)
        {
            // Microsoft.AspNetCore: the server span, which continues a client's traceparent; System.Net.Http: the child span of
            // each upstream attempt, whose context goes upstream as traceparent (UpstreamClients' propagator).
            otel.WithTracing(t => t
                .AddSource(GatewayTelemetry.SourceName, ControllerTelemetry.SourceName, "Microsoft.AspNetCore", "System.Net.Http")
                .AddOtlpExporter());
        }

        if (choice.Metrics)
        {
            otel.WithMetrics(m => m.AddMeter(GenAiMetrics.MeterName).AddOtlpExporter());
        }

        return services;
    }
}
