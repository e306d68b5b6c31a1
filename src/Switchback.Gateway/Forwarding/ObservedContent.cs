using System.Net;

namespace Switchback.Gateway.Forwarding;

/// <summary>Wraps an upstream response's content so that reading it goes through an <see cref="ObservingStream"/>.</summary>
internal sealed class ObservedContent : HttpContent
{
    private readonly HttpContent inner;
    private readonly TimeProvider time;
    private readonly ResponseObservation observation;

    public ObservedContent(HttpContent inner, TimeProvider time, ResponseObservation observation)
    {
        this.inner = inner;
        this.time = time;
        this.observation = observation;
        // NonValidated: copying must not parse each header value into objects only to turn them back into strings.
        foreach (var (name, values) in inner.Headers.NonValidated)
        {
            if (values.Count == 1)
            {
                Headers.TryAddWithoutValidation(name, values.ToString());
            }
            else
            {
                Headers.TryAddWithoutValidation(name, values);
            }
        }
    }

    // The inner stream is usually ready at once (the response headers were read), so no async frame is built for it.
    protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
    {
        var opening = inner.ReadAsStreamAsync(cancellationToken);
        return opening.IsCompletedSuccessfully ? Task.FromResult(Observe(opening.Result)) : ObserveAsync(opening);
    }

    private async Task<Stream> ObserveAsync(Task<Stream> opening) => Observe(await opening);

    private Stream Observe(Stream innerStream)
    {
        var stream = new ObservingStream(innerStream, time, observation);
        observation.Body = stream;
        return stream;
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await using var source = await CreateContentReadStreamAsync(CancellationToken.None);
        await source.CopyToAsync(stream);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
