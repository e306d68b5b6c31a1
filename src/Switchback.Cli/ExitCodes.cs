namespace Switchback.Cli;

/// <summary>The exit codes of every verb (PRODUCT.md §5).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int Usage = 2;
    public const int Conflict = 3;
    public const int Breach = 4;
}
