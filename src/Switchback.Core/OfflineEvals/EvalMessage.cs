namespace Switchback.Core.OfflineEvals;

/// <summary>One chat message of an evaluation case.</summary>
/// <param name="Role">system, developer, user, assistant or tool.</param>
/// <param name="Content">The message text.</param>
public sealed record EvalMessage(string Role, string Content);
