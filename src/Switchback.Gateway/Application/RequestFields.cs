using System.Text.Json;

namespace Switchback.Gateway.Application;

/// <summary>
/// What the gateway reads of an OpenAI request body before routing it: <c>model</c>, <c>user</c>, where the
/// <c>switchback</c> options are and what kind of value <c>messages</c> is. Found by <see cref="RequestBodyScanner"/>.
/// </summary>
internal readonly record struct RequestFields(string Model, string? User, Range Options, bool HasOptions, JsonTokenType Messages);
