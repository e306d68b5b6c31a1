namespace Switchback.Core.Bundles;

/// <summary>One field that differs between two bundles.</summary>
/// <param name="Path">The field's path, e.g. <c>serving.temperature</c> or <c>labels["app.kubernetes.io/name"]</c>.</param>
/// <param name="Before">Canonical JSON of the value in the first bundle, or null when the field is absent there.</param>
/// <param name="After">Canonical JSON of the value in the second bundle, or null when the field is absent there.</param>
public sealed record FieldDifference(string Path, string? Before, string? After);
