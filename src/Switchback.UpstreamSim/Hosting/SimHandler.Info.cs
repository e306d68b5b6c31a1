using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Switchback.UpstreamSim.Hosting;

/// <summary>GET /v1/models and GET /health.</summary>
internal sealed partial class SimHandler
{
    private async Task ModelsAsync(HttpContext context)
    {
        stats.Received(SimEndpoint.Models);
        if (IsDown)
        {
            await HangAsync(context, SimEndpoint.Models);
            return;
        }

        context.Response.ContentType = "application/json";
        using (var json = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            json.WriteStartObject();
            json.WriteString("id", settings.ModelName);
            json.WriteString("object", "model");
            json.WriteNumber("created", _startedUnix);
            json.WriteString("owned_by", "switchback-upstream-sim");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        stats.Completed(SimEndpoint.Models, SimOutcome.Ok);
    }

    private async Task HealthAsync(HttpContext context)
    {
        stats.Received(SimEndpoint.Health);
        context.Response.StatusCode = IsDown ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        using (var json = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteString("status", IsDown ? "down" : "ok");
            json.WriteString("profile", SimProfileNames.ToName(settings.Profile));
            json.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        stats.Completed(SimEndpoint.Health, IsDown ? SimOutcome.ServerError : SimOutcome.Ok);
    }
}
