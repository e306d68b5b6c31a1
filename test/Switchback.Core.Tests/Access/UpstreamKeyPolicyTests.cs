using Switchback.Core.Access;

namespace Switchback.Core.Tests.Access;

public sealed class UpstreamKeyPolicyTests
{
    [Theory]
    [InlineData("VLLM_API_KEY")]
    [InlineData("OPENAI_API_KEY")]
    [InlineData("SUPPORT_BOT_KEY")]
    [InlineData("SB_GATEWAY_TEST_UPSTREAM_KEY")]
    [InlineData("HF_TOKEN")]
    [InlineData("vllm_api_key")]
    public void Default_ProviderKeyNames_AreAllowed(string name) => Assert.Null(UpstreamKeyPolicy.Default.Refusal(name));

    [Theory]
    [InlineData("SWITCHBACK_ADMIN_KEY", "SWITCHBACK_*")]
    [InlineData("SWITCHBACK_API_KEY", "SWITCHBACK_*")]
    [InlineData("switchback_admin_key", "SWITCHBACK_*")]
    [InlineData("AWS_SECRET_ACCESS_KEY", "AWS_*")]
    [InlineData("AZURE_OPENAI_API_KEY", "AZURE_*")]
    [InlineData("GOOGLE_API_KEY", "GOOGLE_*")]
    [InlineData("GITHUB_TOKEN", "GITHUB_*")]
    [InlineData("GH_TOKEN", "GH_*")]
    [InlineData("PGPASSWORD", "PG*")]
    [InlineData("STRIPE_SECRET_KEY", "*_SECRET_KEY")]
    [InlineData("DEPLOY_PRIVATE_KEY", "*_PRIVATE_KEY")]
    [InlineData("VAULT_TOKEN", "VAULT_*")]
    [InlineData("NPM_TOKEN", "NPM_*")]
    [InlineData("SSH_AUTH_KEY", "SSH_*")]
    public void Default_DeniedNames_AreRefusedNamingTheRule(string name, string rule)
    {
        var refusal = UpstreamKeyPolicy.Default.Refusal(name);

        Assert.NotNull(refusal);
        Assert.Contains($"'{name}'", refusal, StringComparison.Ordinal);
        Assert.Contains($"'{rule}'", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SWITCHBACK_ADMIN_KEY")]
    [InlineData("DATABASE_URL")]
    [InlineData("APP_DATABASE_URL")]
    [InlineData("DB_PASSWORD")]
    [InlineData("SQL_CONNECTION_STRING")]
    [InlineData("CONNECTIONSTRINGS__REGISTRY")]
    [InlineData("HTTPS_PROXY")]
    [InlineData("HOME")]
    [InlineData("PATH")]
    [InlineData("LD_PRELOAD")]
    public void AllowEverything_DeniedNamesStillRefused(string name)
    {
        Assert.True(UpstreamKeyPolicy.TryParse("*", out var policy, out var problem), problem);

        Assert.NotNull(policy.Refusal(name));
        Assert.Null(policy.Refusal("MY_UPSTREAM"));
    }

    [Fact]
    public void Default_NameMatchingNoAllowedPattern_IsRefusedNamingThePatternsAndTheSetting()
    {
        var refusal = UpstreamKeyPolicy.Default.Refusal("MODEL_SERVER_CREDENTIAL");

        Assert.NotNull(refusal);
        Assert.Contains("*_KEY, *_TOKEN", refusal, StringComparison.Ordinal);
        Assert.Contains(UpstreamKeyPolicy.EnvironmentVariable, refusal, StringComparison.Ordinal);
        Assert.Contains("--upstream-key-vars", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_OperatorList_AllowsOnlyThosePatterns()
    {
        Assert.True(UpstreamKeyPolicy.TryParse(" ACME_* , MODEL_CRED ", out var policy, out var problem), problem);

        Assert.Equal(["ACME_*", "MODEL_CRED"], policy.Allowed);
        Assert.Null(policy.Refusal("ACME_UPSTREAM"));
        Assert.Null(policy.Refusal("MODEL_CRED"));
        Assert.NotNull(policy.Refusal("VLLM_API_KEY"));
        Assert.NotNull(policy.Refusal("MODEL_CRED_2"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void TryParse_Nothing_IsTheDefault(string? text)
    {
        Assert.True(UpstreamKeyPolicy.TryParse(text, out var policy, out _));
        Assert.Same(UpstreamKeyPolicy.Default, policy);
    }

    [Theory]
    [InlineData(",", "1 to")]
    [InlineData("A-B", "'A-B'")]
    [InlineData("A?", "'A?'")]
    [InlineData("A B", "'A B'")]
    public void TryParse_BadList_SaysWhy(string text, string expected)
    {
        Assert.False(UpstreamKeyPolicy.TryParse(text, out _, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*", "", true)]
    [InlineData("*", "ANY", true)]
    [InlineData("*_KEY", "_KEY", true)]
    [InlineData("*_KEY", "A_KEY_KEY", true)]
    [InlineData("*_KEY", "A_KEYS", false)]
    [InlineData("PG*", "PGPASSWORD", true)]
    [InlineData("PG*", "APGX", false)]
    [InlineData("A*B*C", "AXXBYYC", true)]
    [InlineData("A*B*C", "AXXBYY", false)]
    [InlineData("**", "X", true)]
    [InlineData("HOME", "HOMES", false)]
    [InlineData("home", "HOME", true)]
    public void Matches_GlobOverTheWholeName(string pattern, string name, bool expected)
        => Assert.Equal(expected, UpstreamKeyPolicy.Matches(pattern, name));
}
