using Switchback.Gateway.Signals;

namespace Switchback.Gateway.Tests.Signals;

public sealed class RequestIdsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static RequestIds WithKey(byte fill = 7)
    {
        var ids = new RequestIds();
        ids.UseKey(Enumerable.Repeat(fill, 32).ToArray());
        return ids;
    }

    [Fact]
    public void Sign_ThenRead_OnAnotherInstanceWithTheSameKey_GivesDeploymentVersionAndTime()
    {
        var id = WithKey().Sign("req_00000000000000010123456789abcdef", "support-bot", 7, At);

        Assert.True(WithKey().TryRead(id, out var baseId, out var deployment, out var version, out var at));
        Assert.Equal(("req_00000000000000010123456789abcdef", "support-bot", 7, At), (baseId, deployment, version, at));
        Assert.Equal(baseId, RequestIds.BaseOf(id));
        Assert.StartsWith("req_", id, StringComparison.Ordinal);
        Assert.True(id.Length < 120, id);
        Assert.All(id, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.', id));
    }

    [Fact]
    public void Read_ForgedOrAlteredOrOtherKey_IsRefused()
    {
        var ids = WithKey();
        var id = ids.Sign("req_a", "bot", 2, At);
        var parts = id.Split('.');
        var otherVersion = ids.Sign("req_a", "bot", 1, At).Split('.')[1];

        Assert.False(WithKey(8).TryRead(id, out _, out _, out _, out _));
        Assert.False(ids.TryRead($"{parts[0]}.{otherVersion}.{parts[2]}", out _, out _, out _, out _));
        Assert.False(ids.TryRead($"req_b.{parts[1]}.{parts[2]}", out _, out _, out _, out _));
        Assert.False(ids.TryRead(id[..^1] + (id[^1] == 'A' ? 'B' : 'A'), out _, out _, out _, out _));
        Assert.False(new RequestIds().TryRead(id, out _, out _, out _, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("req_0123")]
    [InlineData("req_a.b")]
    [InlineData("req_a..")]
    [InlineData(".x.y")]
    [InlineData("req_a.!!!.AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("req_a.AQ.!!!")]
    [InlineData("req_a.AQ.AAAA")]
    public void Read_Malformed_IsFalseNeverThrows(string id)
        => Assert.False(WithKey().TryRead(id, out _, out _, out _, out _));

    [Fact]
    public void Sign_WithoutKey_LeavesTheIdAsIs_AndShortKeysAreRefused()
    {
        var ids = new RequestIds();

        Assert.Equal("req_x", ids.Sign("req_x", "bot", 1, At));
        Assert.False(ids.Signs);
        Assert.Throws<ArgumentException>(() => ids.UseKey(new byte[16]));
    }
}
