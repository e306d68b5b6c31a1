using System.CommandLine;
using Switchback.Core.Access;
using Switchback.Server.Hosting;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback serve [--listen URL] [--store SPEC] [--upstream-key-vars PATTERNS] [--audit-head-interval DURATION]</c>.</summary>
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
        var command = new Command("serve", "Run the Switchback server (admin API; the admin key comes from SWITCHBACK_ADMIN_KEY on first start)")
        {
            listen,
            store,
            keyVars,
            auditHeadInterval,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new ServerOptions
            {
                Listen = parse.GetValue(listen)!,
                Store = parse.GetValue(store)!,
                BootstrapAdminKey = Environment.GetEnvironmentVariable("SWITCHBACK_ADMIN_KEY"),
                UpstreamKeyVariables = parse.GetValue(keyVars) ?? Environment.GetEnvironmentVariable(UpstreamKeyPolicy.EnvironmentVariable),
            };
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
}
