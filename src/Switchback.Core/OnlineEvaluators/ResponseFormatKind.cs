namespace Switchback.Core.OnlineEvaluators;

/// <summary>What output format the request asked for (OpenAI <c>response_format.type</c>).</summary>
public enum ResponseFormatKind
{
    /// <summary>Free text (<c>text</c>, or no <c>response_format</c>).</summary>
    Text,

    /// <summary><c>json_object</c>: any JSON object.</summary>
    JsonObject,

    /// <summary><c>json_schema</c>: JSON conforming to the given schema.</summary>
    JsonSchema,
}
