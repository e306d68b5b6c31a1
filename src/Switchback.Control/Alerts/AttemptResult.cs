namespace Switchback.Control.Alerts;

/// <summary>How one HTTP attempt ended: a status code, or an error when there was no answer.</summary>
internal sealed record AttemptResult(int? StatusCode, string? Error, TimeSpan? RetryAfter = null)
{
    public bool Delivered => StatusCode is >= 200 and < 300;

    /// <summary>
    /// A 4xx other than 408, 425 and 429 says the body or the URL is wrong (Slack answers 400 invalid_payload, 404 no_service),
    /// and a redirect is refused because it would send the alert elsewhere; retrying cannot help either.
    /// </summary>
    public bool Permanent => StatusCode switch
    {
        null or 408 or 425 or 429 or (>= 200 and < 300) or >= 500 => false,
        _ => true,
    };

    public string Describe() => StatusCode is { } code ? $"HTTP {code}" : Error ?? "unknown error";
}
