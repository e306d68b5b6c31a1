namespace Switchback.UpstreamSim;

/// <summary>One inference request exactly as the simulator received it (see <see cref="UpstreamSimOptions.RecordRequests"/>).</summary>
/// <param name="Path">The request path, e.g. <c>/v1/chat/completions</c>.</param>
/// <param name="Body">The body's bytes as they arrived, before any parsing.</param>
public sealed record ReceivedRequest(string Path, ReadOnlyMemory<byte> Body)
{
    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body.Span);
}
