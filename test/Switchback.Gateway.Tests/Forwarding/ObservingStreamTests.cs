using Microsoft.Extensions.Time.Testing;
using Switchback.Gateway.Forwarding;

namespace Switchback.Gateway.Tests.Forwarding;

public sealed class ObservingStreamTests
{
    [Theory]
    [InlineData(0, 100)]
    [InlineData(287, 4096)]
    [InlineData(8 * 1024, 1000)]
    [InlineData(64 * 1024, 7000)]
    [InlineData(64 * 1024 + 1, 7000)]
    [InlineData(64 * 1024 + 5000, 3)]
    [InlineData(200_000, 16 * 1024)]
    [InlineData(200_000, 65_536 + 17)]
    public Task WriteAsync_AnySizeAndChunking_KeepsWholeSmallBodyAndLast8KiB(int size, int chunk)
        => WriteAndCheck(size, chunk, expectedLength: null);

    [Theory]
    [InlineData(287, 4096, 287)] // the declared length, as upstreams send it: one buffer of exactly that size
    [InlineData(287, 50, 287)]
    [InlineData(5000, 700, 100)] // declared too small: the buffer still grows
    [InlineData(300, 4096, 100_000)] // declared beyond the capture limit: ignored
    [InlineData(64 * 1024 + 1, 7000, 64 * 1024 + 1)]
    [InlineData(0, 100, 0)]
    public Task WriteAsync_WithDeclaredLength_KeepsTheSameBytes(int size, int chunk, long declared)
        => WriteAndCheck(size, chunk, declared);

    private static async Task WriteAndCheck(int size, int chunk, long? expectedLength)
    {
        var body = new byte[size];
        new Random(size ^ chunk).NextBytes(body);
        var observation = new ResponseObservation { ExpectedLength = expectedLength };
        var client = new MemoryStream();
        using var stream = new ObservingStream(client, new FakeTimeProvider(), observation);
        for (var at = 0; at < size; at += chunk)
        {
            await stream.WriteAsync(body.AsMemory(at, Math.Min(chunk, size - at)), TestContext.Current.CancellationToken);
        }

        await stream.FlushAsync(TestContext.Current.CancellationToken);

        Assert.Equal(body, client.ToArray());
        Assert.Equal(size, stream.TotalBytes);
        Assert.Equal(body[Math.Max(0, size - (8 * 1024))..], stream.Tail.ToArray());
        Assert.Equal(size <= 64 * 1024 ? body : [], stream.WholeBody.ToArray());
        Assert.Equal(size > 0, observation.FirstByteTimestamp.HasValue);
    }

    [Fact]
    public void Write_Synchronous_PassesThroughAndObserves()
    {
        var observation = new ResponseObservation();
        var client = new MemoryStream();
        using var stream = new ObservingStream(client, new FakeTimeProvider(), observation);

        stream.Write("data: one\n\n"u8);
        stream.Write("data: two\n\n"u8.ToArray(), 0, 11);

        Assert.Equal("data: one\n\ndata: two\n\n"u8.ToArray(), client.ToArray());
        Assert.Equal(client.ToArray(), stream.WholeBody.ToArray());
        Assert.False(stream.CanRead);
        Assert.Throws<NotSupportedException>(() => stream.Read(new byte[4], 0, 4));
    }
}
