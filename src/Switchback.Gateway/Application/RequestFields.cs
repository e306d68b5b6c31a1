using System.Text.Json;

namespace Switchback.Gateway.Application;

/// <summary>
/// What the gateway reads of an OpenAI request body before routing it: <c>model</c>, <c>user</c>, where the
/// <c>switchback</c> options are, what kind of value <c>messages</c> is, and for the Responses API what kind of value
/// <c>input</c> is, where <c>instructions</c> is, and the <c>previous_response_id</c> and <c>conversation</c> it continues. Found by <see cref="RequestBodyScanner"/>.
/// </summary>
internal readonly record struct RequestFields(string Model, string? User, Range Options, bool HasOptions, JsonTokenType Messages)
{
    /// <summary>The token type of <c>input</c>'s value; <see cref="JsonTokenType.None"/> when absent.</summary>
    public JsonTokenType Input { get; init; }

    /// <summary>The token type of <c>instructions</c>' value; <see cref="JsonTokenType.None"/> when absent.</summary>
    public JsonTokenType Instructions { get; init; }

    /// <summary>Where <c>instructions</c>' value is in the body (meaningful when <see cref="Instructions"/> is not None).</summary>
    public Range InstructionsValue { get; init; }

    /// <summary>The token type of <c>previous_response_id</c>'s value; <see cref="JsonTokenType.None"/> when absent.</summary>
    public JsonTokenType PreviousResponseIdToken { get; init; }

    /// <summary>The <c>previous_response_id</c> when it is a string.</summary>
    public string? PreviousResponseId { get; init; }

    /// <summary>The token type of <c>conversation</c>'s value; <see cref="JsonTokenType.None"/> when absent.</summary>
    public JsonTokenType ConversationToken { get; init; }

    /// <summary>Whether <c>stream</c> is <c>true</c> (a streamed answer, which counts against the concurrent stream limit).</summary>
    public bool Stream { get; init; }

    /// <summary>The conversation id: <c>conversation</c> itself when it is a string, else its <c>id</c> when that is a string.</summary>
    public string? ConversationId { get; init; }
}
