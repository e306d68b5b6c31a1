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
    public async Task ReadAsync_AnySizeAndChunking_KeepsWholeSmallBodyAndLast8KiB(int size, int chunk)
    {
        var body = new byte[size];
        new Random(size ^ chunk).NextBytes(body);
        var observation = new ResponseObservation();
        using var stream = new ObservingStream(new MemoryStream(body), new FakeTimeProvider(), observation);
        var copy = new MemoryStream();
        var buffer = new byte[chunk];
        int read;
        while ((read = await stream.ReadAsync(buffer, TestContext.Current.CancellationToken)) > 0)
        {
            copy.Write(buffer, 0, read);
        }

        Assert.Equal(body, copy.ToArray());
        Assert.Equal(size, stream.TotalBytes);
        Assert.Equal(body[Math.Max(0, size - (8 * 1024))..], stream.Tail.ToArray());
        Assert.Equal(size <= 64 * 1024 ? body : [], stream.WholeBody.ToArray());
        Assert.Equal(size > 0, observation.FirstByteTimestamp.HasValue);
    }
}
