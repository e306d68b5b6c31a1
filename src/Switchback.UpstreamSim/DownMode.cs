namespace Switchback.UpstreamSim;

/// <summary>How the <see cref="SimProfile.Down"/> profile fails.</summary>
public enum DownMode
{
    /// <summary>Connections are accepted but requests never answer until the client gives up.</summary>
    Hang,

    /// <summary>Nothing listens on the port: connections are refused.</summary>
    Refuse,
}
