namespace Switchback.Gateway.Templates;

/// <summary>A prompt render went over one of the gateway's template limits; the message names the limit and its value.</summary>
internal sealed class TemplateLimitException(string limit) : Exception(limit);
