namespace Switchback.Storage.Migrations;

/// <summary>One numbered schema change, applied once, in its own transaction, and recorded in <c>schema_migrations</c>.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
