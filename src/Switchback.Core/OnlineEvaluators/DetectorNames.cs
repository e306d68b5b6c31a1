namespace Switchback.Core.OnlineEvaluators;

/// <summary>The names safety detectors report in <see cref="EvaluationResult.SafetyDetectors"/>.</summary>
public static class DetectorNames
{
    /// <summary>The built-in e-mail address detector.</summary>
    public const string Email = "pii.email";

    /// <summary>The built-in telephone number detector.</summary>
    public const string Phone = "pii.phone";

    /// <summary>The built-in payment card number detector.</summary>
    public const string PaymentCard = "pii.payment_card";

    /// <summary>The prefix of a configured deny pattern's name, e.g. <c>deny.internal-hostnames</c>.</summary>
    public const string DenyPrefix = "deny.";

    /// <summary>Whether <paramref name="name"/> may name a deny pattern: 1..64 of <c>a-z 0-9 - _ .</c>.</summary>
    public static bool IsValidPatternName(string? name) =>
        name is { Length: >= 1 and <= 64 } && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.');
}
