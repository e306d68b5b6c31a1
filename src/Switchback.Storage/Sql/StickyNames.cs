using Switchback.Core.Routing;

namespace Switchback.Storage.Sql;

/// <summary>How a <see cref="StickySource"/> is written in the store.</summary>
internal static class StickyNames
{
    public static string ToText(StickySource source) => source switch
    {
        StickySource.Header => "header",
        StickySource.User => "user",
        StickySource.Random => "random",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "unknown sticky source"),
    };

    public static StickySource Parse(string text) => text switch
    {
        "header" => StickySource.Header,
        "user" => StickySource.User,
        "random" => StickySource.Random,
        _ => throw new InvalidOperationException($"the store holds an unknown sticky source '{text}'"),
    };
}
