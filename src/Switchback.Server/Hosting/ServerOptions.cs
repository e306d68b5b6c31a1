using System.Globalization;
using System.Net;
using Switchback.Core.Access;
using Switchback.Control.Audit;

namespace Switchback.Server.Hosting;

/// <summary>Settings of <c>switchback serve</c>; every default lives here.</summary>
public sealed record ServerOptions
{
    /// <summary>The default listen URL.</summary>
    public const string DefaultListen = "http://127.0.0.1:8800";

    /// <summary>The default store.</summary>
    public const string DefaultStore = "sqlite:./switchback.db";

    private static readonly TimeSpan MaxInterval = TimeSpan.FromDays(366);

    /// <summary>
    /// Where to listen: <c>http://IP:PORT</c> or <c>http://localhost:PORT</c>, or <c>https://…</c> with <see cref="TlsCertificate"/>
    /// and <see cref="TlsKey"/>; port 0 picks a free port.
    /// </summary>
    /// <value>Default <see cref="DefaultListen"/>.</value>
    public string Listen { get; init; } = DefaultListen;

    /// <summary>The store: <c>sqlite:PATH</c> or <c>postgres:CONNSTRING</c>.</summary>
    /// <value>Default <see cref="DefaultStore"/>.</value>
    public string Store { get; init; } = DefaultStore;

    /// <summary>The admin key to create on a store without keys (from <c>SWITCHBACK_ADMIN_KEY</c>); null generates one.</summary>
    public string? BootstrapAdminKey { get; init; }

    /// <summary>The largest request body accepted.</summary>
    /// <value>Default 10 MiB (<see cref="Gateway.Hosting.GatewayOptions.DefaultMaxRequestBodyBytes"/>).</value>
    public long MaxRequestBodyBytes { get; init; } = Gateway.Hosting.GatewayOptions.DefaultMaxRequestBodyBytes;

    /// <summary>The PEM certificate (chain) served on an <c>https://</c> <see cref="Listen"/>; reloaded when the file changes.</summary>
    /// <value>Default null: plain HTTP.</value>
    public string? TlsCertificate { get; init; }

    /// <summary>The PEM private key of <see cref="TlsCertificate"/> (PKCS#8, RSA or EC, unencrypted); reloaded when the file changes.</summary>
    /// <value>Default null.</value>
    public string? TlsKey { get; init; }

    /// <summary>
    /// A PEM bundle of CA certificates that HTTPS upstreams may chain to, besides the system's trust store (from
    /// <c>--upstream-ca</c> or <see cref="UpstreamCaEnvironmentVariable"/>).
    /// </summary>
    /// <value>Default null: the system's trust store only.</value>
    public string? UpstreamCaFile { get; init; }

    /// <summary>The environment variable that names <see cref="UpstreamCaFile"/> when <c>--upstream-ca</c> is not given.</summary>
    public const string UpstreamCaEnvironmentVariable = "SWITCHBACK_UPSTREAM_CA";

    /// <summary>The largest total size of a request's header lines (Kestrel's <c>MaxRequestHeadersTotalSize</c>); over it ⇒ 431.</summary>
    /// <value>Default 32 KiB (Kestrel's); 1 KiB..1 MiB.</value>
    public int MaxRequestHeadersBytes { get; init; } = 32 * 1024;

    /// <summary>The most header fields in a request (Kestrel's <c>MaxRequestHeaderCount</c>); over it ⇒ 431.</summary>
    /// <value>Default 100 (Kestrel's); 1..10,000.</value>
    public int MaxRequestHeaderCount { get; init; } = 100;

    /// <summary>The largest upstream answer passed on (<see cref="Gateway.Hosting.GatewayOptions.MaxUpstreamResponseBytes"/>).</summary>
    /// <value>Default 64 MiB; at least 1 KiB.</value>
    public long MaxUpstreamResponseBytes { get; init; } = Gateway.Hosting.GatewayOptions.DefaultMaxUpstreamResponseBytes;

    /// <summary>How many streams are forwarded at once (<see cref="Gateway.Hosting.GatewayOptions.MaxConcurrentStreams"/>).</summary>
    /// <value>Default 1,000; 1..1,000,000.</value>
    public int MaxConcurrentStreams { get; init; } = Gateway.Hosting.GatewayOptions.DefaultMaxConcurrentStreams;

    /// <summary>
    /// The slowest a client may send a request body or take a response, in bytes per second, once <see cref="ClientRateGrace"/>
    /// has passed (Kestrel's <c>MinRequestBodyDataRate</c> and <c>MinResponseDataRate</c>); a slower request body ⇒ 408, a
    /// slower reader is disconnected. Time waiting for the upstream is not counted: only time with data pending.
    /// </summary>
    /// <value>Default 240 (Kestrel's); 0 turns both off; at most 1,000,000.</value>
    public double MinClientBytesPerSecond { get; init; } = 240;

    /// <summary>How long a client may go below <see cref="MinClientBytesPerSecond"/> before it is cut off.</summary>
    /// <value>Default 5 s (Kestrel's); 2 s..10 min.</value>
    public TimeSpan ClientRateGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The patterns of environment variable names a bundle's <c>model.api_key_env</c> may name, comma-separated (from
    /// <c>--upstream-key-vars</c> or <c>SWITCHBACK_UPSTREAM_KEY_VARS</c>); a fixed deny list applies on top (see
    /// <see cref="UpstreamKeyPolicy.Denied"/>).
    /// </summary>
    /// <value>Default null: <see cref="UpstreamKeyPolicy.DefaultAllowed"/> (<c>*_KEY,*_TOKEN</c>).</value>
    public string? UpstreamKeyVariables { get; init; }

    /// <summary>The policy <see cref="UpstreamKeyVariables"/> describes; <see cref="UpstreamKeyPolicy.Default"/> when it does not parse (<see cref="Validate"/> reports that).</summary>
    public UpstreamKeyPolicy UpstreamKeyPolicy => UpstreamKeyPolicy.TryParse(UpstreamKeyVariables, out var policy, out _) ? policy : UpstreamKeyPolicy.Default;

    /// <summary>The least severe log level written to stderr (the demo hosts a server in-process and keeps its terminal for itself).</summary>
    /// <value>Default <see cref="Microsoft.Extensions.Logging.LogLevel.Information"/>.</value>
    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Information;

    /// <summary>How often the audit head (<c>SEQ:HASH</c>) is written to the log after the line at start-up; zero writes only that one.</summary>
    /// <value>Default 1 hour; zero, or 1 second to 366 days.</value>
    public TimeSpan AuditHeadInterval { get; init; } = AuditHeadLogOptions.DefaultInterval;

    /// <summary>Adjusts the fleet's timings (lease, report interval…) for hosts that need other values than the defaults, such as tests.</summary>
    public Action<Switchback.Control.Fleet.FleetOptions>? ConfigureFleet { get; init; }

    /// <summary>The problems with these settings; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!TryParseListen(Listen, out _, out var listenProblem))
        {
            problems.Add(listenProblem);
        }

        if (string.IsNullOrWhiteSpace(Store))
        {
            problems.Add("--store is empty: use sqlite:PATH or postgres:CONNSTRING");
        }

        if (BootstrapAdminKey is { Length: > 0 and < 16 })
        {
            problems.Add("SWITCHBACK_ADMIN_KEY is shorter than 16 characters: use a long random key");
        }

        if (MaxRequestBodyBytes < 1024)
        {
            problems.Add("the request body limit must be at least 1024 bytes");
        }

        var https = Uri.TryCreate(Listen, UriKind.Absolute, out var listenUri) && listenUri.Scheme == Uri.UriSchemeHttps;
        if ((TlsCertificate is null) != (TlsKey is null))
        {
            problems.Add("--tls-cert and --tls-key go together: give both files, or neither");
        }
        else if (https && TlsCertificate is null)
        {
            problems.Add($"--listen '{Listen}' is https: give --tls-cert and --tls-key");
        }
        else if (!https && TlsCertificate is not null)
        {
            problems.Add($"--tls-cert and --tls-key need an https:// --listen (got '{Listen}')");
        }

        if (UpstreamCaFile is not null && Gateway.Forwarding.UpstreamTrust.TryLoad(UpstreamCaFile, out var caProblem) is null)
        {
            problems.Add($"--upstream-ca / {UpstreamCaEnvironmentVariable}: {caProblem}");
        }

        if (MaxRequestHeadersBytes is < 1024 or > 1024 * 1024)
        {
            problems.Add("the request header size limit must be 1 KiB..1 MiB");
        }

        if (MaxRequestHeaderCount is < 1 or > 10_000)
        {
            problems.Add("the request header count limit must be 1..10000");
        }

        if (MaxUpstreamResponseBytes < 1024)
        {
            problems.Add("--max-upstream-response must be at least 1024 bytes");
        }

        if (MaxConcurrentStreams is < 1 or > 1_000_000)
        {
            problems.Add("--max-concurrent-streams must be 1..1000000");
        }

        if (MinClientBytesPerSecond is < 0 or > 1_000_000 || double.IsNaN(MinClientBytesPerSecond))
        {
            problems.Add("--min-client-rate must be 0 (off) to 1000000 bytes per second");
        }

        if (ClientRateGrace < TimeSpan.FromSeconds(2) || ClientRateGrace > TimeSpan.FromMinutes(10))
        {
            problems.Add("--client-rate-grace must be 2s..10m");
        }

        if (!UpstreamKeyPolicy.TryParse(UpstreamKeyVariables, out _, out var keyProblem))
        {
            problems.Add($"--upstream-key-vars / {UpstreamKeyPolicy.EnvironmentVariable}: {keyProblem}");
        }

        if (AuditHeadInterval != TimeSpan.Zero && (AuditHeadInterval < TimeSpan.FromSeconds(1) || AuditHeadInterval > MaxInterval))
        {
            problems.Add("--audit-head-interval must be 0 (only at start-up) or from 1s to 366d");
        }

        return problems;
    }

    /// <summary>Parses an interval flag: <c>0</c>, or a whole number with a unit, such as <c>90s</c>, <c>15m</c>, <c>1h</c> or <c>2d</c>.</summary>
    public static bool TryParseInterval(string? text, out TimeSpan interval)
    {
        interval = TimeSpan.Zero;
        text = text?.Trim() ?? string.Empty;
        if (text == "0")
        {
            return true;
        }

        if (text.Length < 2 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > 366L * 86_400)
        {
            return false;
        }

        long? seconds = text[^1] switch
        {
            's' => count,
            'm' => count * 60,
            'h' => count * 3_600,
            'd' => count * 86_400,
            _ => null,
        };
        if (seconds is not { } total)
        {
            return false;
        }

        interval = TimeSpan.FromSeconds(total);
        return true;
    }

    /// <summary>The endpoint to bind for <paramref name="listen"/>, or why it is not usable.</summary>
    public static bool TryParseListen(string? listen, out IPEndPoint endpoint, out string problem)
    {
        endpoint = new IPEndPoint(IPAddress.Loopback, 0);
        problem = string.Empty;
        if (!Uri.TryCreate(listen, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            problem = $"--listen '{listen}' is not a URL of the form http://HOST:PORT or https://HOST:PORT (for example {DefaultListen})";
            return false;
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
        {
            problem = $"--listen '{listen}' must not have a path, query or user name";
            return false;
        }

        if (!listen!.Contains(":" + uri.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
        {
            problem = $"--listen '{listen}' must name a port (for example {DefaultListen}; 0 picks a free one)";
            return false;
        }

        IPAddress? address = uri.IsLoopback && uri.HostNameType == UriHostNameType.Dns ? IPAddress.Loopback : null;
        if (address is null && !IPAddress.TryParse(uri.Host.Trim('[', ']'), out address))
        {
            problem = $"--listen '{listen}': the host must be an IP address or localhost";
            return false;
        }

        endpoint = new IPEndPoint(address, uri.Port);
        return true;
    }
}
