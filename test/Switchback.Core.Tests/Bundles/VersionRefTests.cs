using Switchback.Core.Bundles;

namespace Switchback.Core.Tests.Bundles;

public sealed class VersionRefTests
{
    [Fact]
    public void Parse_ValidReference_SplitsDeploymentAndVersion()
    {
        var v = VersionRef.Parse("support-bot@7");
        Assert.Equal("support-bot", v.Deployment);
        Assert.Equal(7, v.Version);
        Assert.Equal("support-bot@7", v.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("support-bot")]
    [InlineData("support-bot@")]
    [InlineData("@7")]
    [InlineData("support-bot@0")]
    [InlineData("support-bot@-1")]
    [InlineData("support-bot@x")]
    [InlineData("Support@1")]
    public void TryParse_Malformed_ReturnsClearError(string text)
    {
        Assert.False(VersionRef.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }
}
