namespace Switchback.UpstreamSim.Tests.Support;

/// <summary>Waits for a state the code under test reaches on another thread (a request arriving), bounded so a bug fails fast.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var deadline = Environment.TickCount64 + 10_000;
        while (!condition())
        {
            Assert.True(Environment.TickCount64 < deadline, $"timed out waiting until {what}");
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }
}
