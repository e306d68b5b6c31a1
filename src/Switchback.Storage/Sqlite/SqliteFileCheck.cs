using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Switchback.Storage.Sqlite;

/// <summary>
/// Asks SQLite whether the file under a connection is still the file at its path (<c>SQLITE_FCNTL_HAS_MOVED</c>). In WAL mode
/// SQLite itself does not check: after the file is deleted or renamed away, writes keep landing in the unlinked inode and vanish
/// with the last connection. SQLitePCLRaw 2.1 does not wrap <c>sqlite3_file_control</c>, so it is called in the same native
/// library the driver loaded. Thread-safe.
/// </summary>
internal static class SqliteFileCheck
{
    // The unix VFS answers with one stat() of the path compared against the open file's inode; Windows' VFS does not know the
    // operation (an open database file cannot be deleted there) and answers SQLITE_NOTFOUND.
    private const int HasMovedOperation = 20;

    private static int unsupported;

    /// <summary>True when the connection's main database file is no longer the file at its path; null when SQLite cannot tell.</summary>
    public static bool? HasMoved(SqliteConnection connection)
    {
        if (Volatile.Read(ref unsupported) != 0 || connection.Handle is not { } handle)
        {
            return null;
        }

        try
        {
            var moved = 0;
            var result = NativeMethods.FileControl(handle, IntPtr.Zero, HasMovedOperation, ref moved);
            return result == raw.SQLITE_OK ? moved != 0 : null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // A driver bundle other than e_sqlite3: the caller falls back to checking that the path exists.
            Volatile.Write(ref unsupported, 1);
            return null;
        }
    }

    private static class NativeMethods
    {
        // A null database name means "main".
        [DllImport("e_sqlite3", EntryPoint = "sqlite3_file_control", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int FileControl(sqlite3 database, IntPtr databaseName, int operation, ref int result);
    }
}
