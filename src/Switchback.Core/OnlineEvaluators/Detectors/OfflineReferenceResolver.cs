using NJsonSchema;
using NJsonSchema.References;

namespace Switchback.Core.OnlineEvaluators.Detectors;

/// <summary>
/// Resolves only references inside the schema document: a client-supplied <c>$ref</c> to a file or URL would make the
/// evaluator read disks or call out to the network.
/// </summary>
internal sealed class OfflineReferenceResolver(JsonSchemaAppender appender) : JsonReferenceResolver(appender)
{
    /// <inheritdoc />
    public override Task<IJsonReference> ResolveFileReferenceAsync(string filePath, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"the schema refers to a file ('{filePath}'): only references inside the schema are followed");

    /// <inheritdoc />
    public override Task<IJsonReference> ResolveUrlReferenceAsync(string url, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"the schema refers to a URL ('{url}'): only references inside the schema are followed");
}
