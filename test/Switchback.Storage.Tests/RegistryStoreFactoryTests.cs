using Microsoft.Extensions.Time.Testing;
using Switchback.Storage.Postgres;
using Switchback.Storage.Sqlite;

namespace Switchback.Storage.Tests;

public sealed class RegistryStoreFactoryTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "switchback-factory-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider time = new();

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Create_SqliteRelativePath_ResolvesAgainstCurrentDirectoryAndCreatesIt()
    {
        Directory.CreateDirectory(directory);
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = directory;
        try
        {
            await using var store = RegistryStoreFactory.Create("sqlite:nested/deeper/registry.db", time);
            await store.MigrateAsync(TestContext.Current.CancellationToken);

            var sqlite = Assert.IsType<SqliteRegistryStore>(store);
            Assert.Equal(Path.Combine(directory, "nested", "deeper", "registry.db"), sqlite.FilePath);
            Assert.True(File.Exists(sqlite.FilePath));
            Assert.True(await store.PingAsync(TestContext.Current.CancellationToken));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [Fact]
    public async Task Create_PostgresConnectionString_ReturnsPostgresStore()
    {
        await using var store = RegistryStoreFactory.Create("postgres:Host=127.0.0.1;Port=5432;Username=sb;Database=sb", time);

        Assert.IsType<PostgresRegistryStore>(store);
    }

    [Fact]
    public async Task Ping_UnreachablePostgres_ReturnsFalse()
    {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        await using var store = RegistryStoreFactory.Create("postgres:Host=127.0.0.1;Port=1;Username=sb;Database=sb;Timeout=5", time);

        Assert.False(await store.PingAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("./switchback.db")]
    [InlineData("mysql:Server=x")]
    [InlineData("sqlite:")]
    [InlineData("sqlite::memory:")]
    [InlineData("postgres:")]
    [InlineData("postgres:NoSuchKeyword=1")]
    [InlineData("postgres:Database=sb")]
    [InlineData("postgres://u:secret@host/db")]
    public void Create_BadSpec_ThrowsArgumentExceptionShowingAcceptedForms(string spec)
    {
        var error = Assert.Throws<ArgumentException>(() => RegistryStoreFactory.Create(spec, time));

        Assert.Contains("sqlite:PATH", error.Message);
        Assert.Contains("postgres:CONNECTION-STRING", error.Message);
        Assert.DoesNotContain("secret", error.Message);
    }

    [Fact]
    public void Create_SqlitePathThatIsADirectory_Throws()
    {
        Directory.CreateDirectory(directory);

        var error = Assert.Throws<ArgumentException>(() => RegistryStoreFactory.Create("sqlite:" + directory, time));

        Assert.Contains("is a directory", error.Message);
    }
}
