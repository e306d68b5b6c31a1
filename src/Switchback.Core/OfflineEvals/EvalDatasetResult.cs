namespace Switchback.Core.OfflineEvals;

/// <summary>What parsing a dataset gave: the dataset when it had no error, and every error found.</summary>
public sealed record EvalDatasetResult(EvalDataset? Dataset, IReadOnlyList<EvalDatasetError> Errors)
{
    /// <summary>Whether the dataset parsed without any error.</summary>
    public bool IsValid => Dataset is not null && Errors.Count == 0;
}
