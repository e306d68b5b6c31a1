using Switchback.Core.Access;

namespace Switchback.Core.Tests.Access;

public sealed class ApiKeysTests
{
    [Fact]
    public void Generate_Key_HasPrefixAnd32Base64UrlBytes()
    {
        var key = ApiKeys.Generate();
        Assert.Matches("^sb_[A-Za-z0-9_-]{43}$", key);
        Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(key.AsSpan(3)).Length);
    }

    [Fact]
    public void Generate_ManyKeys_AreAllDifferent()
        => Assert.Equal(1000, Enumerable.Range(0, 1000).Select(_ => ApiKeys.Generate()).Distinct().Count());

    [Fact]
    public void Hash_KnownKey_IsSha256HexOfUtf8()
    {
        Assert.Equal("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeys.Hash("abc"));
        Assert.NotEqual(ApiKeys.Hash("sb_a"), ApiKeys.Hash("sb_b"));
        Assert.Throws<ArgumentNullException>(() => ApiKeys.Hash(null!));
    }
}
