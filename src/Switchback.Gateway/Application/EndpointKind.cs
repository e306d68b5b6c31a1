namespace Switchback.Gateway.Application;

/// <summary>Which OpenAI endpoint a request came to; decides what of the bundle applies.</summary>
internal enum EndpointKind
{
    /// <summary><c>POST /v1/chat/completions</c>.</summary>
    Chat,

    /// <summary><c>POST /v1/completions</c>.</summary>
    Completions,

    /// <summary><c>POST /v1/embeddings</c>.</summary>
    Embeddings,

    /// <summary><c>POST /v1/responses</c> (the Responses API).</summary>
    Responses,

    /// <summary><c>/d/{deployment}/{**path}</c>: the body is forwarded untouched.</summary>
    Raw,
}

internal static class EndpointKinds
{
    /// <summary>The path an endpoint kind has under a bundle's OpenAI base URL, e.g. <c>/chat/completions</c>.</summary>
    public static string Suffix(this EndpointKind kind) => kind switch
    {
        EndpointKind.Chat => "/chat/completions",
        EndpointKind.Completions => "/completions",
        EndpointKind.Responses => "/responses",
        _ => "/embeddings",
    };
}
