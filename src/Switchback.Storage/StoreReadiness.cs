namespace Switchback.Storage;

/// <summary>Whether the store can be read and written now (<c>/readyz</c>), and if not, why, in words safe to show.</summary>
/// <param name="IsReady">True when a read and a write-lock probe both succeeded.</param>
/// <param name="Problem">Why the store is not ready; null when it is.</param>
public sealed record StoreReadiness(bool IsReady, string? Problem)
{
    /// <summary>A ready store.</summary>
    public static StoreReadiness Ready { get; } = new(true, null);

    /// <summary>A store that is not ready because of <paramref name="problem"/>.</summary>
    public static StoreReadiness NotReady(string problem) => new(false, problem);
}
