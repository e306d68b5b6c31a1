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

    [Fact]
    public void Sign_WithAUnit_ReadsBackTheUnitOnAnotherInstance_AndAnIdWithoutOneStillReads()
    {
        var ticket = new Switchback.Gateway.Units.UnitTicket("support-bot", "r-0a1b2c3d", 0xF00D_0000_0000_0001UL, 2, true, 2_500);
        var id = WithKey().Sign("req_00000000000000010123456789abcdef", "support-bot", 2, At, ticket);
        var old = WithKey().Sign("req_00000000000000010123456789abcdee", "support-bot", 2, At);

        Assert.True(WithKey().TryRead(id, out var baseId, out var deployment, out var version, out var at, out var unit));
        Assert.Equal(("req_00000000000000010123456789abcdef", "support-bot", 2, At, ticket), (baseId, deployment, version, at, unit));
        Assert.True(WithKey().TryRead(id, out _, out _, out _, out _));
        Assert.True(WithKey().TryRead(old, out _, out _, out var oldVersion, out _, out var none));
        Assert.Equal((2, (Switchback.Gateway.Units.UnitTicket?)null), (oldVersion, none));
        Assert.True(id.Length < 160, id);
        Assert.All(id, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.', id));
    }

    [Fact]
    public void Read_UnitIdForgedOrAlteredOrOtherKey_IsRefused()
    {
        var ids = WithKey();
        var ticket = new Switchback.Gateway.Units.UnitTicket("bot", "r-1", 99, 2, true, 500);
        var id = ids.Sign("req_a", "bot", 2, At, ticket);
        var parts = id.Split('.');
        var baselineUnit = ids.Sign("req_a", "bot", 2, At, ticket with { Candidate = false }).Split('.')[1];

        Assert.False(WithKey(8).TryRead(id, out _, out _, out _, out _, out _));
        Assert.False(ids.TryRead($"{parts[0]}.{baselineUnit}.{parts[2]}", out _, out _, out _, out _, out _));
        Assert.False(ids.TryRead(id[..^1] + (id[^1] == 'A' ? 'B' : 'A'), out _, out _, out _, out _, out _));
    }

    /// <summary>Payloads of format 2 that are correctly signed but malformed: short, a weight above 100 %, an arm byte not 0/1, a salt past the end.</summary>
    [Theory]
    [InlineData("02-02-0A")]
    [InlineData("02-02-0A-01-00-00-00-00-00-00-00")]
    [InlineData("02-02-0A-01-00-00-00-00-00-00-00-91-4E-01-01-72-62-6F-74")]
    [InlineData("02-02-0A-01-00-00-00-00-00-00-00-64-02-01-72-62-6F-74")]
    [InlineData("02-02-0A-01-00-00-00-00-00-00-00-64-01-20-72-62-6F-74")]
    [InlineData("02-02-0A-01-00-00-00-00-00-00-00-64-01-00-62-6F-74")]
    [InlineData("03-02-0A-62-6F-74")]
    public void Read_SignedButMalformedUnitPayload_IsFalseNeverThrows(string hex)
    {
        var key = Enumerable.Repeat((byte)7, 32).ToArray();
        var body = "req_a." + System.Buffers.Text.Base64Url.EncodeToString(Convert.FromHexString(hex.Replace("-", string.Empty, StringComparison.Ordinal)));
        var mac = System.Security.Cryptography.HMACSHA256.HashData(key, System.Text.Encoding.ASCII.GetBytes(body))[..16];
        var id = body + "." + System.Buffers.Text.Base64Url.EncodeToString(mac);

        Assert.False(WithKey().TryRead(id, out _, out _, out _, out _, out _));
    }

    [Fact]
    public void Read_SignedWellFormedUnitPayload_Reads()
    {
        // The control for the malformed cases above: the same construction with a valid payload is read.
        var key = Enumerable.Repeat((byte)7, 32).ToArray();
        var body = "req_a." + System.Buffers.Text.Base64Url.EncodeToString(Convert.FromHexString("02020A0100000000000000640103722D3162 6F74".Replace(" ", string.Empty, StringComparison.Ordinal)));
        var mac = System.Security.Cryptography.HMACSHA256.HashData(key, System.Text.Encoding.ASCII.GetBytes(body))[..16];

        Assert.True(WithKey().TryRead(body + "." + System.Buffers.Text.Base64Url.EncodeToString(mac), out _, out var deployment, out _, out _, out var unit));
        Assert.Equal(("bot", new Switchback.Gateway.Units.UnitTicket("bot", "r-1", 1, 2, true, 100)), (deployment, unit!.Value));
    }
}
