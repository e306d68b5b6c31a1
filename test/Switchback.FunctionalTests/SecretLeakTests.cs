using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using Switchback.FunctionalTests.Infrastructure;

namespace Switchback.FunctionalTests;

public sealed class SecretLeakTests : IDisposable
{
    private const string Secret = "s3cr3t-support-bot-upstream-key-7f3a9c";
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task Server_BundleReferencesSecretEnv_SecretValueAppearsNowhere()
    {
        var seen = new StringBuilder();
        using var server = await ServerProcess.StartAsync(dir.SqliteStore, environment: new Dictionary<string, string?> { ["SUPPORT_BOT_KEY"] = Secret });
        var file = dir.Write("bot.yaml", Manifests.Bundle(version: 1, apiKeyEnv: "SUPPORT_BOT_KEY") + "---\n" + Manifests.Bundle(version: 2, temperature: 0.9, apiKeyEnv: "SUPPORT_BOT_KEY"));

        foreach (var args in new[]
        {
            new[] { "apply", "-f", file },
            ["apply", "-f", file, "--output", "json"],
            ["bundle", "list", "support-bot", "--all"],
            ["bundle", "show", "support-bot@1"],
            ["bundle", "show", "support-bot@1", "--output", "json"],
            ["bundle", "diff", "support-bot@1", "support-bot@2", "--output", "json"],
            ["alias", "set", "support-bot@2", "candidate", "--reason", "try"],
            ["history", "support-bot", "--output", "json"],
            ["audit", "verify"],
            ["key", "list", "--output", "json"],
        })
        {
            var result = await server.CliAsync(args);
            Assert.True(result.ExitCode == 0, string.Join(' ', args) + "\n" + result);
            seen.Append(result.All);
        }

        using var http = server.CreateHttpClient();
        foreach (var path in new[] { "api/v1/deployments", "api/v1/deployments/support-bot", "api/v1/deployments/support-bot/versions/1", "api/v1/deployments/support-bot/versions?include_archived=true", "api/v1/deployments/support-bot/history", "api/v1/audit", "api/v1/keys", "healthz", "readyz" })
        {
            seen.Append(await http.GetStringAsync(path, TestContext.Current.CancellationToken));
        }

        server.Kill();
        seen.Append(server.Stdout).Append(server.Stderr);
        var everything = seen.ToString();
        Assert.Contains("SUPPORT_BOT_KEY", everything);
        Assert.DoesNotContain(Secret, everything);
        Assert.DoesNotContain(ServerProcess.AdminKey, server.Stdout + server.Stderr);
    }

    /// <summary>
    /// Plants a unique secret everywhere one lives — the upstream key variable a bundle names, the bootstrap admin key, an
    /// operator key made with <c>key create</c>, a bearer a client sends on the data plane, a token in an alert webhook URL and the PostgreSQL password in
    /// the store's connection string — runs the whole story on PostgreSQL with logging at Debug and OTLP export on
    /// (register, traffic, pin, canary with automatic rollback, feedback, rollback, drill, runbook, history, audit export and
    /// verify, metrics, replicas, an alert to a webhook whose URL holds a token), and finds none of them in any log line, CLI output, API answer or header, audit entry,
    /// metric, exported span or metric, runbook or error message. The one place a key may appear is the answer of the
    /// <c>key create</c> that made it.
    /// </summary>
    [Fact]
    public async Task FullScenario_OnPostgresAtDebug_NoSecretAppearsAnywhere()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var secrets = new Dictionary<string, string>
        {
            ["upstream key"] = $"sk-up-{run}-UPSTREAMSECRET",
            ["admin key"] = $"sb-admin-{run}-ADMINSECRET",
            ["client bearer"] = $"sb-client-{run}-CLIENTSECRET",
            ["PostgreSQL password"] = $"pg-{run}-PGSECRET",
            ["alert webhook token"] = $"hook-{run}-WEBHOOKSECRET",
        };
        var found = new Dictionary<string, StringBuilder>();
        void Saw(string where, string text) => (found.TryGetValue(where, out var b) ? b : found[where] = new StringBuilder()).Append(text).Append('\n');

        await using var role = await PostgresRole.CreateAsync("sb_leak_" + run, secrets["PostgreSQL password"]);
        using var v1 = await Sim.StartAsync("healthy");
        using var v2 = await Sim.StartAsync("flaky", "--error-rate", "0.6");
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var alerts = await AlertReceiver.StartAsync();
        using var server = await ServerProcess.StartAsync(
            "postgres:" + role.ConnectionString,
            adminKey: secrets["admin key"],
            environment: new Dictionary<string, string?>
            {
                ["LEAK_UPSTREAM_KEY"] = secrets["upstream key"],
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp.Endpoint,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
            },
            arguments: ["--log-level", "Debug"]);
        var admin = secrets["admin key"];
        async Task<CliResult> Cli(string? key, params string[] args)
        {
            var result = await server.CliWithKeyAsync(key, args);
            Saw("CLI " + args[0], result.All);
            return result;
        }

        // Register, with the upstream key named by its variable.
        var bundles = Manifests.Bundle("svc", 1, 0.2, v1.Url + "/v1", "LEAK_UPSTREAM_KEY") + "---\n" + Manifests.Bundle("svc", 2, 0.3, v2.Url + "/v1", "LEAK_UPSTREAM_KEY");
        Assert.Equal(0, (await Cli(admin, "apply", "-f", dir.Write("bundles.yaml", bundles))).ExitCode);

        // An operator key: its own creation answer is the one place it is shown.
        var created = await server.CliWithKeyAsync(admin, "key", "create", "--role", "operator", "--name", "oncall");
        Assert.True(created.ExitCode == 0, created.ToString());
        secrets["operator key"] = created.Stdout.Split('\n').Single(l => l.StartsWith("Key (shown once", StringComparison.Ordinal)).Split(": ", 2)[1].Trim();
        Saw("CLI key create (stderr)", created.Stderr);

        using var http = server.CreateHttpClient(admin);
        using var anonymous = server.CreateHttpClient(apiKey: null);
        async Task<HttpResponseMessage> Data(string model, string? bearer, string user = "u")
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
            {
                Content = JsonContent.Create(new { model, user, messages = new[] { new { role = "user", content = "hi" } } }),
            };
            if (bearer is not null)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
            }

            var response = await anonymous.SendAsync(request, Ct);
            Saw("data plane " + model, response.Headers + "\n" + await response.Content.ReadAsStringAsync(Ct));
            return response;
        }

        // Data plane: plain, with a client's bearer (never forwarded), a pin by the operator, a pin refused for an unknown key.
        using (var plain = await Data("svc", secrets["client bearer"]))
        {
            Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        }

        using (var pinned = await Data("svc@2", secrets["operator key"]))
        {
            Assert.Equal("2", pinned.Headers.GetValues("x-switchback-version").Single());
        }

        using (var refused = await Data("svc@2", secrets["client bearer"]))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // A canary of the flaky v2, rolled back by its hard guardrail.
        var rollout = Manifests.Canary("30s", 20) + $"\nalerts:\n  - webhook: {alerts.Url}?token={secrets["alert webhook token"]}\n";
        Assert.Equal(0, (await Cli(admin, "apply", "-f", dir.Write("rollout.yaml", rollout))).ExitCode);
        var status = await Svc.DriveUntilFinishedAsync(http, TimeSpan.FromSeconds(90));
        Saw("rollout status (API)", status.ToJsonString());
        Assert.Equal("rolled_back", status["phase"]!.GetValue<string>());
        await alerts.WaitForAsync("rollback", TimeSpan.FromSeconds(30));

        // Feedback on a request.
        using (var served = await Data("svc", null, "fb"))
        {
            var id = served.Headers.GetValues("x-switchback-request-id").Single();
            using var feedback = await anonymous.PostAsJsonAsync("v1/feedback", new { request_id = id, score = -1, comment = "bad" }, Ct);
            Saw("feedback", await feedback.Content.ReadAsStringAsync(Ct));
            Assert.True(feedback.IsSuccessStatusCode, await feedback.Content.ReadAsStringAsync(Ct));
        }

        // Operator's work: rollback, drill, runbook, status; admin's: history, audit, keys.
        // Stable to v2 by force, so v1 is the previous stable a drill rehearses going back to; then really back to v1.
        var forward = await Cli(secrets["operator key"], "rollback", "svc", "--to", "2", "--force", "--reason", "leak check");
        Assert.True(forward.ExitCode == 0, forward.ToString());
        var drill = await Cli(secrets["operator key"], "drill", "svc", "--dry-run", "--reason", "game day");
        Assert.True(drill.ExitCode == 0, drill.ToString());
        var back = await Cli(secrets["operator key"], "rollback", "svc", "--to", "1", "--reason", "leak check over");
        Assert.True(back.ExitCode == 0, back.ToString());
        var runbook = await Cli(secrets["operator key"], "runbook", "svc");
        Assert.Equal(0, runbook.ExitCode);
        Assert.Contains("switchback rollback svc", runbook.Stdout, StringComparison.Ordinal);
        await Cli(secrets["operator key"], "rollout", "status", "svc", "--output", "json");
        await Cli(admin, "history", "svc", "--output", "json");
        Assert.Equal(0, (await Cli(admin, "audit", "verify")).ExitCode);
        await Cli(admin, "audit", "head");
        await Cli(admin, "key", "list", "--output", "json");
        await Cli(admin, "bundle", "show", "svc@1", "--output", "json");
        await Cli(secrets["client bearer"], "bundle", "list", "svc");
        foreach (var path in new[]
        {
            "api/v1/audit", "api/v1/audit?target=svc", "api/v1/audit/verify", "api/v1/keys", "api/v1/replicas", "api/v1/deployments",
            "api/v1/deployments/svc", "api/v1/deployments/svc/versions/2", "api/v1/deployments/svc/rollout", "api/v1/deployments/svc/routing",
            "api/v1/deployments/svc/drills", "api/v1/deployments/svc/history", "metrics", "readyz", "healthz",
        })
        {
            using var response = await http.GetAsync(path, Ct);
            Saw("GET /" + path, response.Headers + "\n" + await response.Content.ReadAsStringAsync(Ct));
        }

        using (var wrongKey = server.CreateHttpClient(secrets["client bearer"]))
        {
            using var response = await wrongKey.GetAsync("api/v1/keys", Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Saw("GET /api/v1/keys with a wrong key", await response.Content.ReadAsStringAsync(Ct));
        }

        await otlp.WaitForSpanAsync(s => s.Name.Contains("chat", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "for a chat request");

        // A second server on a store it cannot open: the error names the database, never the password.
        using (var broken = ChildProcess.Start(
            ["serve", "--listen", "http://127.0.0.1:0", "--log-level", "Debug", "--store", "postgres:" + role.ConnectionString.Replace("Database=", "Database=nowhere_", StringComparison.Ordinal)],
            new Dictionary<string, string?> { ["SWITCHBACK_ADMIN_KEY"] = admin }))
        {
            Assert.Equal(1, await broken.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Saw("serve on a missing database", broken.Stdout + broken.Stderr);
            Assert.Contains("nowhere_", broken.Stderr, StringComparison.Ordinal);
        }

        server.Child.Signal("TERM");
        await server.Child.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Saw("server log", server.Stdout + server.Stderr);
        Saw("OTLP export", string.Concat(otlp.Payloads.Select(p => Encoding.UTF8.GetString(p))));

        Assert.Contains("dbug:", found["server log"].ToString(), StringComparison.Ordinal);
        Assert.Contains("LEAK_UPSTREAM_KEY", found["GET /api/v1/deployments/svc/versions/2"].ToString(), StringComparison.Ordinal);
        Assert.Contains("rollout.start", found["GET /api/v1/audit"].ToString(), StringComparison.Ordinal);
        Assert.Contains("switchback_requests_total", found["GET /metrics"].ToString(), StringComparison.Ordinal);
        var leaks = from place in found
                    from secret in secrets
                    where place.Value.ToString().Contains(secret.Value, StringComparison.Ordinal)
                    select $"the {secret.Key} in {place.Key}";
        Assert.Empty(leaks);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A login role with a password and a database it owns, on the server of SWITCHBACK_TEST_POSTGRES; both dropped on dispose.</summary>
    private sealed class PostgresRole(string admin, string name, string connectionString) : IAsyncDisposable
    {
        public string ConnectionString { get; } = connectionString;

        public static async Task<PostgresRole> CreateAsync(string name, string password)
        {
            var admin = Environment.GetEnvironmentVariable("SWITCHBACK_TEST_POSTGRES");
            Assert.False(string.IsNullOrWhiteSpace(admin), "SWITCHBACK_TEST_POSTGRES is not set: run the tests with ./scripts/test.sh.");
            await ExecuteAsync(admin!, $"CREATE ROLE {name} LOGIN PASSWORD '{password}'");
            await ExecuteAsync(admin!, $"CREATE DATABASE {name} OWNER {name}");
            var connection = new NpgsqlConnectionStringBuilder(admin) { Username = name, Password = password, Database = name, Pooling = false };
            return new PostgresRole(admin!, name, connection.ConnectionString);
        }

        public async ValueTask DisposeAsync()
        {
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            await ExecuteAsync(admin, $"DROP ROLE IF EXISTS {name}");
        }

        private static async Task ExecuteAsync(string connectionString, string sql)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
