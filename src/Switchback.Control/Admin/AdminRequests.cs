namespace Switchback.Control.Admin;

/// <summary>The log category of admin changes and refusals.</summary>
internal sealed class AdminRequests;
