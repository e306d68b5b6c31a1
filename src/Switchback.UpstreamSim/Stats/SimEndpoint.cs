namespace Switchback.UpstreamSim;

/// <summary>The endpoints of the simulated upstream, as counted by <see cref="SimStats"/>.</summary>
public enum SimEndpoint
{
    /// <summary><c>POST /v1/chat/completions</c>.</summary>
    ChatCompletions,

    /// <summary><c>POST /v1/completions</c>.</summary>
    Completions,

    /// <summary><c>POST /v1/embeddings</c>.</summary>
    Embeddings,

    /// <summary><c>POST /v1/responses</c>, and <c>GET</c>/<c>DELETE /v1/responses/{id}</c>, <c>POST /v1/responses/{id}/cancel</c>.</summary>
    Responses,

    /// <summary><c>GET /v1/models</c>.</summary>
    Models,

    /// <summary><c>GET /health</c>.</summary>
    Health,

    /// <summary>Any other path or method.</summary>
    Unknown,
}
