using System.CommandLine;
using Switchback.Core.Access;
using Switchback.Server.Hosting;

namespace Switchback.Cli.Commands;

/// <summary>
/// <c>switchback serve [--listen URL] [--store SPEC] [--tls-cert PEM --tls-key PEM] [--upstream-ca PEM] [--upstream-key-vars PATTERNS]
/// [--audit-head-interval DURATION] [limits…] [--log-level LEVEL]</c>.
/// </summary>
internal static class ServeCommand
{
    internal static Command Create()
    {
        var listen = new Option<string>("--listen") { Description = "URL to listen on (port 0 picks a free port)", DefaultValueFactory = _ => ServerOptions.DefaultListen };
        var store = new Option<string>("--store") { Description = "sqlite:PATH or postgres:CONNSTRING", DefaultValueFactory = _ => ServerOptions.DefaultStore };
        var keyVars = new Option<string?>("--upstream-key-vars")
        {
            Description = $"Comma-separated name patterns (* = anything) of the environment variables a bundle's model.api_key_env may name [env {UpstreamKeyPolicy.EnvironmentVariable}, default {string.Join(',', UpstreamKeyPolicy.DefaultAllowed)}]; SWITCHBACK_* and common credentials are always refused",
        };
        var auditHeadInterval = new Option<string>("--audit-head-interval")
        {
            Description = "How often to log the audit head (SEQ:HASH) after start-up: 90s, 15m, 1h (default), 2d; 0 logs it only at start-up",
        };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "PEM certificate (chain) to serve HTTPS with (--listen https://…); reloaded when the file changes" };
        var tlsKey = new Option<string?>("--tls-key") { Description = "PEM private key of --tls-cert; reloaded when the file changes" };
        var upstreamCa = new Option<string?>("--upstream-ca") { Description = $"PEM bundle of CA certificates HTTPS upstreams may chain to, besides the system's [env {ServerOptions.UpstreamCaEnvironmentVariable}]" };
        var maxBody = new Option<long?>("--max-request-body") { Description = "Largest request body in bytes (default 10485760); larger ⇒ 413" };
        var maxUpstream = new Option<long?>("--max-upstream-response") { Description = "Largest upstream answer or stream in bytes (default 67108864); larger ⇒ 502" };
        var maxStreams = new Option<int?>("--max-concurrent-streams") { Description = "Streams forwarded at once (default 1000); one more ⇒ 429 with Retry-After" };
        var minRate = new Option<double?>("--min-client-rate") { Description = "Slowest a client may send a body or read an answer, bytes/s (default 240; 0 = off)" };
        var rateGrace = new Option<string?>("--client-rate-grace") { Description = "How long a client may stay below --min-client-rate (default 5s)" };
        var logLevel = new Option<Microsoft.Extensions.Logging.LogLevel?>("--log-level") { Description = "Least severe log level written to stderr: Trace, Debug, Information (default), Warning, Error" };
        var command = new Command("serve", "Run the Switchback server (admin API; the admin key comes from SWITCHBACK_ADMIN_KEY on first start)")
        {
            listen,
            store,
            keyVars,
            auditHeadInterval,
            tlsCert,
            tlsKey,
            upstreamCa,
            maxBody,
            maxUpstream,
            maxStreams,
            minRate,
            rateGrace,
            logLevel,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new ServerOptions
            {
                Listen = parse.GetValue(listen)!,
                Store = parse.GetValue(store)!,
                BootstrapAdminKey = Environment.GetEnvironmentVariable("SWITCHBACK_ADMIN_KEY"),
                UpstreamKeyVariables = parse.GetValue(keyVars) ?? Environment.GetEnvironmentVariable(UpstreamKeyPolicy.EnvironmentVariable),
                TlsCertificate = parse.GetValue(tlsCert),
                TlsKey = parse.GetValue(tlsKey),
                UpstreamCaFile = parse.GetValue(upstreamCa) ?? NonEmpty(Environment.GetEnvironmentVariable(ServerOptions.UpstreamCaEnvironmentVariable)),
            };
            var defaults = new ServerOptions();
            options = options with
            {
                MaxRequestBodyBytes = parse.GetValue(maxBody) ?? defaults.MaxRequestBodyBytes,
                MaxUpstreamResponseBytes = parse.GetValue(maxUpstream) ?? defaults.MaxUpstreamResponseBytes,
                MaxConcurrentStreams = parse.GetValue(maxStreams) ?? defaults.MaxConcurrentStreams,
                MinClientBytesPerSecond = parse.GetValue(minRate) ?? defaults.MinClientBytesPerSecond,
                LogLevel = parse.GetValue(logLevel) ?? defaults.LogLevel,
            };
            if (parse.GetValue(rateGrace) is { } graceText)
            {
                if (!ServerOptions.TryParseInterval(graceText, out var grace))
                {
                    await Console.Error.WriteLineAsync($"switchback serve: --client-rate-grace '{graceText}' is not a duration: use a whole number with s or m (for example 5s)");
                    return ExitCodes.Usage;
                }

                options = options with { ClientRateGrace = grace };
            }

            if (parse.GetValue(auditHeadInterval) is { } intervalText)
            {
                if (!ServerOptions.TryParseInterval(intervalText, out var interval))
                {
                    await Console.Error.WriteLineAsync($"switchback serve: --audit-head-interval '{intervalText}' is not a duration: use 0 or a whole number with s, m, h or d (for example 1h)");
                    return ExitCodes.Usage;
                }

                options = options with { AuditHeadInterval = interval };
            }

            return await SwitchbackServer.RunAsync(options, Console.Out, Console.Error, ct);
        });
        return command;
    }

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
