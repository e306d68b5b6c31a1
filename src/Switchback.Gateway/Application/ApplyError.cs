namespace Switchback.Gateway.Application;

/// <summary>Why a bundle could not be applied to a request: the HTTP status, OpenAI error type and code, and a message.</summary>
internal sealed record ApplyError(int Status, string Type, string Code, string Message)
{
    /// <summary>The request field the error is about (OpenAI's <c>param</c>); null when none in particular.</summary>
    public string? Param { get; init; }
}
