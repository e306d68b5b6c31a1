namespace Switchback.Gateway.Responses;

/// <summary>The version that created a Responses API response (and whose upstream stores it).</summary>
internal readonly record struct ResponseOwner(string Deployment, int Version);
