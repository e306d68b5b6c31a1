namespace Switchback.Storage.Fleet;

/// <summary>A fenced write was refused: the lease has moved to another holder or term since this leader took it.</summary>
public sealed class FencedException(LeaderFence fence, string? currentHolder, long currentTerm)
    : InvalidOperationException($"leadership lost: this replica ({fence.Holder}) led in term {fence.Term}, but the lease is now held by '{currentHolder ?? "nobody"}' in term {currentTerm}; the write was refused")
{
    /// <summary>The fence the refused write carried.</summary>
    public LeaderFence Fence { get; } = fence;
}
