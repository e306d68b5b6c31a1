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

    /// <summary><c>/d/{deployment}/{**path}</c>: the body is forwarded untouched.</summary>
    Raw,
}
