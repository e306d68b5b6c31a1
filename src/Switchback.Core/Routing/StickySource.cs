namespace Switchback.Core.Routing;

/// <summary>
/// Where a deployment takes its sticky assignment key from. The sources fall through in the order of PRODUCT.md §3:
/// the <c>x-switchback-key</c> header, else the OpenAI <c>user</c> field, else a random draw per request.
/// </summary>
public enum StickySource
{
    /// <summary>The <c>x-switchback-key</c> header, falling back to the <c>user</c> field, then to random.</summary>
    Header = 0,

    /// <summary>The OpenAI <c>user</c> field (the header is ignored), falling back to random.</summary>
    User = 1,

    /// <summary>No stickiness: every request is assigned by a random draw.</summary>
    Random = 2,
}
