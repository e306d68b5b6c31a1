using Switchback.Storage.Fleet;

namespace Switchback.Gateway.Responses;

/// <summary>
/// What a Responses API call names that lives in one upstream: a response id (<c>previous_response_id</c>, or the id of
/// <c>GET/DELETE /v1/responses/{id}</c>) or a <c>conversation</c> id. The two kinds never collide, whatever their text.
/// </summary>
/// <param name="Kind">Whether <paramref name="Id"/> is a response or a conversation.</param>
/// <param name="Id">The id, as the client sent it.</param>
internal readonly record struct AffinityKey(AffinityKind Kind, string Id)
{
    /// <summary>A response id.</summary>
    public static AffinityKey Response(string id) => new(AffinityKind.Response, id);

    /// <summary>A conversation id.</summary>
    public static AffinityKey Conversation(string id) => new(AffinityKind.Conversation, id);
}
