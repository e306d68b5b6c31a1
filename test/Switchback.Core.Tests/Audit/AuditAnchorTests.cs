using Switchback.Core.Audit;

namespace Switchback.Core.Tests.Audit;

public sealed class AuditAnchorTests
{
    private const string Hex = "53c349be6aaa76b7400da025440c239ba85e60cf8caecf30ceadb80f150e3158";

    [Theory]
    [InlineData("42:sha256:" + Hex)]
    [InlineData(" 42:SHA256:" + "53C349BE6AAA76B7400DA025440C239BA85E60CF8CAECF30CEADB80F150E3158 ")]
    [InlineData("42:" + Hex)]
    public void TryParse_SequenceAndHash_NormalisesToTheHeadForm(string text)
    {
        Assert.True(AuditAnchor.TryParse(text, out var anchor, out var problem), problem);
        Assert.Equal(new AuditAnchor(42, "sha256:" + Hex), anchor);
        Assert.Equal("42:sha256:" + Hex, anchor.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("42")]
    [InlineData(":sha256:" + Hex)]
    [InlineData("0:sha256:" + Hex)]
    [InlineData("-1:sha256:" + Hex)]
    [InlineData("x:sha256:" + Hex)]
    [InlineData("42:sha256:abc")]
    [InlineData("42:md5:" + Hex)]
    [InlineData("42:sha256:" + Hex + "00")]
    [InlineData("42:sha256:zz" + "c349be6aaa76b7400da025440c239ba85e60cf8caecf30ceadb80f150e3158")]
    public void TryParse_Malformed_FailsSayingWhatIsExpected(string? text)
    {
        Assert.False(AuditAnchor.TryParse(text, out var anchor, out var problem));
        Assert.Null(anchor);
        Assert.Contains("SEQ:HASH", problem);
    }
}
