using Microsoft.Data.Sqlite;

namespace Broadcaster.Node.Tests.Infrastructure;

/// <summary>A folder of the test's own, for statistics files: removed with everything in it (SQLite's pooled handles closed first).</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("broadcaster-test-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}
