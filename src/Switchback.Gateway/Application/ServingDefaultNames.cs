namespace Switchback.Gateway.Application;

/// <summary>
/// Which of a bundle's <c>serving</c> defaults an endpoint takes, and under which request field name. Chat and completions
/// take them all as named; the Responses API takes <c>temperature</c>, <c>top_p</c> and <c>max_tokens</c> as
/// <c>max_output_tokens</c> (it has no <c>stop</c>, <c>seed</c> or penalties, and OpenAI refuses unknown fields);
/// embeddings and raw passthrough take none. A default is not filled when the client set the field under another name
/// that means the same (<see cref="Alias"/>): chat's <c>max_completion_tokens</c> is <c>max_tokens</c>' successor, and
/// OpenAI refuses a request that sets both. Pure.
/// </summary>
internal static class ServingDefaultNames
{
    /// <summary>The request field that carries the bundle's <paramref name="servingField"/> on <paramref name="kind"/>; null when it does not apply.</summary>
    public static string? For(EndpointKind kind, string servingField) => kind switch
    {
        EndpointKind.Chat or EndpointKind.Completions => servingField,
        EndpointKind.Responses => servingField switch
        {
            "max_tokens" => "max_output_tokens",
            "temperature" or "top_p" => servingField,
            _ => null,
        },
        _ => null,
    };

    /// <summary>Another request field of <paramref name="kind"/> that sets what <paramref name="requestField"/> sets, or null.</summary>
    public static string? Alias(EndpointKind kind, string requestField)
        => kind == EndpointKind.Chat && requestField == "max_tokens" ? "max_completion_tokens" : null;
}
