namespace Switchback.Core.Access;

/// <summary>
/// Which environment variables a bundle's <c>model.api_key_env</c> may name. A bundle is written by whoever holds an
/// admin key, but the variable is read from the server's environment and sent to the bundle's own endpoint, so without
/// a rule any bundle could exfiltrate <c>SWITCHBACK_ADMIN_KEY</c> or a cloud credential. A name must match one of the
/// operator's <see cref="Allowed"/> patterns and none of the fixed <see cref="Denied"/> ones. Patterns are globs where
/// <c>*</c> stands for any run of characters, matched against the whole name, ignoring case. Immutable and thread-safe.
/// </summary>
public sealed class UpstreamKeyPolicy
{
    /// <summary>The environment variable <c>switchback serve</c> reads the allowed patterns from (comma-separated).</summary>
    public const string EnvironmentVariable = "SWITCHBACK_UPSTREAM_KEY_VARS";

    /// <summary>The most patterns an allow-list may have.</summary>
    public const int MaxPatterns = 64;

    private UpstreamKeyPolicy(IReadOnlyList<string> allowed) => Allowed = allowed;

    /// <summary>The allowed patterns when the operator sets none: <c>*_KEY</c> and <c>*_TOKEN</c> (e.g. OPENAI_API_KEY, VLLM_API_KEY, HF_TOKEN).</summary>
    public static IReadOnlyList<string> DefaultAllowed { get; } = ["*_KEY", "*_TOKEN"];

    /// <summary>
    /// Patterns a bundle may never name, whatever the allow-list says: Switchback's own settings, cloud, CI, registry and
    /// database credentials, generic secret names, and the process's own environment.
    /// </summary>
    public static IReadOnlyList<string> Denied { get; } =
    [
        "SWITCHBACK_*",
        "AWS_*", "AZURE_*", "ARM_*", "GOOGLE_*", "GCP_*", "GCLOUD_*", "CLOUDSDK_*",
        "GITHUB_*", "GH_*", "GITLAB_*", "CI_*", "ACTIONS_*", "RUNNER_*",
        "NPM_*", "NUGET_*", "PYPI_*", "TWINE_*", "DOCKER_*", "KUBE*", "VAULT_*", "CONSUL_*", "NOMAD_*", "TF_*",
        "PG*", "DATABASE_URL", "*_DATABASE_URL", "MYSQL_*", "MONGO*", "REDIS_*", "*_DSN",
        "*_PASSWORD", "*_PASSWD", "*_SECRET", "*_SECRET_KEY", "*_SECRET_ACCESS_KEY", "*_PRIVATE_KEY", "*_SIGNING_KEY",
        "*_ENCRYPTION_KEY", "*_SESSION_TOKEN", "*_CONNECTION_STRING", "*_CONNECTIONSTRING", "CONNECTIONSTRINGS__*", "*_PROXY",
        "SSH_*", "GPG_*", "GNUPG*", "DOTNET_*", "ASPNETCORE_*", "LD_*", "DYLD_*",
        "HOME", "PATH", "USER", "LOGNAME", "SHELL", "PWD", "HOSTNAME",
    ];

    /// <summary>The policy with <see cref="DefaultAllowed"/>.</summary>
    public static UpstreamKeyPolicy Default { get; } = new(DefaultAllowed);

    /// <summary>The patterns a name must match one of (the <see cref="Denied"/> ones still win).</summary>
    public IReadOnlyList<string> Allowed { get; }

    /// <summary>
    /// The policy allowing <paramref name="patterns"/>, or why they are not usable: each is letters, digits, <c>_</c> and
    /// <c>*</c>, at most <see cref="MaxPatterns"/> of them, and at least one.
    /// </summary>
    public static bool TryCreate(IEnumerable<string> patterns, out UpstreamKeyPolicy policy, out string problem)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        policy = Default;
        var allowed = patterns.Select(p => p.Trim()).Where(p => p.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (allowed.Count is 0 or > MaxPatterns)
        {
            problem = $"the upstream key variable patterns must number 1 to {MaxPatterns}, got {allowed.Count}";
            return false;
        }

        foreach (var pattern in allowed)
        {
            if (!pattern.All(c => c is '*' or '_' || char.IsAsciiLetterOrDigit(c)))
            {
                problem = $"the upstream key variable pattern '{pattern}' may only hold letters, digits, '_' and '*'";
                return false;
            }
        }

        policy = new UpstreamKeyPolicy(allowed);
        problem = string.Empty;
        return true;
    }

    /// <summary>Parses a comma-separated list of patterns (as in <see cref="EnvironmentVariable"/>); null or blank gives <see cref="Default"/>.</summary>
    public static bool TryParse(string? text, out UpstreamKeyPolicy policy, out string problem)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            policy = Default;
            problem = string.Empty;
            return true;
        }

        return TryCreate(text.Split(','), out policy, out problem);
    }

    /// <summary>Why a bundle may not name <paramref name="variable"/>, naming the rule; null when it may.</summary>
    public string? Refusal(string variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (Denied.FirstOrDefault(p => Matches(p, variable)) is { } denied)
        {
            return $"the environment variable '{variable}' matches '{denied}', which bundles may never name "
                + "(Switchback's own settings and common credentials: cloud, CI, registries, databases, passwords and secrets)";
        }

        if (!Allowed.Any(p => Matches(p, variable)))
        {
            return $"the environment variable '{variable}' matches none of the patterns this server allows ({string.Join(", ", Allowed)}); "
                + $"the server's operator sets them with 'switchback serve --upstream-key-vars' or {EnvironmentVariable}";
        }

        return null;
    }

    /// <summary>Whether the glob <paramref name="pattern"/> (<c>*</c> = any run of characters) matches all of <paramref name="name"/>, ignoring case.</summary>
    public static bool Matches(string pattern, string name)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(name);

        // The classic wildcard match with one backtrack point (the last '*'): O(pattern × name) at worst, and both are short.
        int p = 0, n = 0, star = -1, resume = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = n;
            }
            else if (p < pattern.Length && char.ToUpperInvariant(pattern[p]) == char.ToUpperInvariant(name[n]))
            {
                p++;
                n++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
