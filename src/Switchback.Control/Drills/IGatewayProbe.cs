namespace Switchback.Control.Drills;

/// <summary>Sends one synthetic request through this server's gateway, as a client would.</summary>
internal interface IGatewayProbe
{
    /// <summary>The version that served it (<c>x-switchback-version</c>), or the problem when none did.</summary>
    Task<(int? Version, string? Problem)> ServedVersionAsync(string deployment, CancellationToken cancellationToken);
}
