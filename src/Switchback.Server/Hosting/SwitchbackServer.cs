using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Switchback.Control.Admin;
using Switchback.Control.Alerts;
using Switchback.Control.Audit;
using Switchback.Control.OfflineEvals;
using Switchback.Control.Fleet;
using Switchback.Control.Rollouts;
using Switchback.Gateway.Hosting;
using Switchback.Server.Telemetry;
using Switchback.Server.Dashboard;
using Switchback.Storage;

namespace Switchback.Server.Hosting;

/// <summary>The composition root of <c>switchback serve</c>.</summary>
public static class SwitchbackServer
{
    /// <summary>The line printed to <c>output</c> once bound, followed by the base URL.</summary>
    public const string ListeningPrefix = "Switchback listening on ";

    /// <summary>
    /// Validates <paramref name="options"/>, opens and migrates the store, bootstraps the admin key, serves until
    /// <paramref name="cancellationToken"/> fires or the process gets SIGTERM/Ctrl-C, and returns the exit code.
    /// </summary>
    public static async Task<int> RunAsync(ServerOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await error.WriteLineAsync($"switchback serve: {problem}");
            }

            return 1;
        }

        OtelExportChoice telemetry;
        try
        {
            telemetry = OtelExportChoice.From(Environment.GetEnvironmentVariable);
        }
        catch (ArgumentException ex)
        {
            await error.WriteLineAsync($"switchback serve: {ex.Message}");
            return 1;
        }

        IRegistryStore store;
        try
        {
            store = RegistryStoreFactory.Create(options.Store, TimeProvider.System);
        }
        catch (ArgumentException ex)
        {
            await error.WriteLineAsync($"switchback serve: {ex.Message}");
            return 1;
        }

        var storeKind = options.Store.Split(':', 2)[0];
        ServeLock? serveLock = null;
        if (storeKind == "sqlite" && (serveLock = ServeLock.TryTake(store.Location, out var lockProblem)) is null)
        {
            await store.DisposeAsync();
            await error.WriteLineAsync($"switchback serve: {lockProblem}");
            return 1;
        }

        using (serveLock)
        await using (store)
        {
            MigrationOutcome migration;
            try
            {
                migration = await store.MigrateAsync(cancellationToken);
                if (migration.CreatedStore)
                {
                    // Right on a first start; after a lost or mistyped store path, the only sign that the registry is gone.
                    await output.WriteLineAsync($"Created a new, empty store at {store.Location}");
                }

                await AdminKeyBootstrap.EnsureAsync(store, options.BootstrapAdminKey, output, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The connection string may hold a password, so only the store kind is named.
                await error.WriteLineAsync($"switchback serve: cannot open the {storeKind} store: {ex.Message}");
                return 1;
            }

            TlsCertificateSource? tls = null;
            if (options.TlsCertificate is { } certificate && options.TlsKey is { } key
                && (tls = TlsCertificateSource.TryCreate(certificate, key, TimeProvider.System, out var tlsProblem)) is null)
            {
                await error.WriteLineAsync($"switchback serve: {tlsProblem}");
                return 1;
            }

            await using var app = Build(options, store, telemetry, tls);
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Switchback.Server");
            tls?.Logger = logger;
            if (migration.CreatedStore)
            {
                ServerLog.StoreCreated(logger, store.Location);
            }

            ServerLog.StoreReady(logger, storeKind);
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException ex)
            {
                await error.WriteLineAsync($"switchback serve: cannot listen on {options.Listen}: {ex.Message}");
                return 1;
            }

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            app.Services.GetRequiredService<ReplicaIdentity>().Address = address;
            await output.WriteLineAsync(ListeningPrefix + address);
            await output.FlushAsync(cancellationToken);
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        }
    }

    private static WebApplication Build(ServerOptions options, IRegistryStore store, OtelExportChoice telemetry, TlsCertificateSource? tls)
    {
        ServerOptions.TryParseListen(options.Listen, out var endpoint, out _);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersBytes;
            kestrel.Limits.MaxRequestHeaderCount = options.MaxRequestHeaderCount;
            var rate = options.MinClientBytesPerSecond > 0 ? new MinDataRate(options.MinClientBytesPerSecond, options.ClientRateGrace) : null;
            kestrel.Limits.MinRequestBodyDataRate = rate;
            kestrel.Limits.MinResponseDataRate = rate;
            kestrel.Listen(endpoint, listen =>
            {
                if (tls is not null)
                {
                    // Asked at every handshake, so a rotated certificate is served from the next connection on.
                    listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificateSelector = (_, _) => tls.Current });
                }
            });
        });
        builder.Logging.ClearProviders();

        // stdout carries only the lines people and scripts read (the key, the address); logs go to stderr.
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // ASP.NET Core starts an Activity and a log scope for every request as soon as its hosting category is enabled
        // at any level, and the Activity then goes upstream as traceparent; that category only logs request start/finish
        // (Information), so turning it off costs no log line and saves that per-request work when no tracer listens. With
        // OTLP traces on, the tracer listens to that ActivitySource itself, so the server span exists then (and only then).
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Services.AddSwitchbackTelemetry(builder.Configuration, telemetry);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.UpstreamKeyPolicy);
        builder.Services.AddSwitchbackGateway(o =>
        {
            o.MaxRequestBodyBytes = options.MaxRequestBodyBytes;
            o.MaxUpstreamResponseBytes = options.MaxUpstreamResponseBytes;
            o.MaxConcurrentStreams = options.MaxConcurrentStreams;
            o.UpstreamCaFile = options.UpstreamCaFile;
        });
        builder.Services.AddSwitchbackAlerts();
        builder.Services.AddSwitchbackRollouts();

        // One server on SQLite (the serve lock keeps others off, so a lease held by anyone else is a dead process's); a fleet
        // on PostgreSQL, where replicas ship their signals and the leader decides on all of them (docs/fleet.md).
        var fleet = options.Store.StartsWith("postgres:", StringComparison.Ordinal);
        builder.Services.AddSwitchbackFleet(shareSignals: fleet, o =>
        {
            o.TakeOverAtOnce = !fleet;
            options.ConfigureFleet?.Invoke(o);
        });
        builder.Services.AddSwitchbackEvals();
        builder.Services.AddSwitchbackAuditHeadLog(o => o.Interval = options.AuditHeadInterval);

        var app = builder.Build();
        app.UseMiddleware<ErrorMiddleware>();
        app.MapGet("/healthz", () => Results.Json(new { Status = "alive" }, AdminJson.Options));
        app.MapGet("/readyz", async (IRegistryStore s, CancellationToken ct) => await s.CheckReadinessAsync(ct) is { IsReady: false } readiness
            ? ApiError.Result(StatusCodes.Status503ServiceUnavailable, "server_error", "store_unavailable", readiness.Problem ?? "The store does not answer.")
            : Results.Json(new { Status = "ready" }, AdminJson.Options));
        app.MapAdminApi();
        app.MapDashboard();
        app.MapSwitchbackGateway();
        app.MapFallback((HttpContext http) => ApiError.Result(StatusCodes.Status404NotFound, "not_found_error", "route_not_found", $"No endpoint {http.Request.Method} {http.Request.Path}."));
        return app;
    }
}
