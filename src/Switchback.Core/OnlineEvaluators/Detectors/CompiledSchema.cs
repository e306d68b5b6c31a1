using NJsonSchema;

namespace Switchback.Core.OnlineEvaluators.Detectors;

/// <summary>A schema compiled from a request's schema text, or why it could not be.</summary>
/// <param name="Schema">The compiled schema, or null when <paramref name="Error"/> says why not.</param>
/// <param name="Error">Why the schema text is unusable.</param>
/// <param name="PatternsIgnored">Whether <c>pattern</c>/<c>patternProperties</c> keywords were removed before compiling.</param>
internal sealed record CompiledSchema(JsonSchema? Schema, string? Error, bool PatternsIgnored);
