using System.Text.RegularExpressions;
using Xunit;

namespace Broadcaster.Actors.Tests;

/// <summary>
/// The folders of src/Actors depend on each other in one direction only (docs/architecture.md draws the graph): a
/// cycle would mean two concepts that cannot be understood, tested or changed apart. Read from the sources, doc
/// comments left out (a cref is a pointer for the reader, not a dependency).
/// </summary>
public sealed partial class FolderDependencyTests
{
    [GeneratedRegex(@"Broadcaster\.Actors\.([A-Za-z]+)")]
    private static partial Regex Reference();

    [Fact]
    public void Actor_folders_import_each_other_without_cycles()
    {
        var graph = Dependencies();
        Assert.True(graph.Count >= 8, $"only {graph.Count} folders found");

        var cycle = graph.Keys.Select(start => CycleFrom(start, graph, [])).FirstOrDefault(c => c is not null);
        Assert.True(cycle is null, $"folders import each other in a circle: {string.Join(" -> ", cycle ?? [])}");
    }

    [Fact]
    public void Wire_and_presence_import_no_folder_that_uses_them()
    {
        var graph = Dependencies();

        Assert.Empty(graph["Wire"]);
        Assert.Equal(["Wire"], graph["Presence"]);
    }

    private static Dictionary<string, SortedSet<string>> Dependencies()
    {
        var root = Path.Combine(RepositoryRoot(), "src", "Actors");
        var graph = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var folder in Directory.GetDirectories(root).Where(d => Path.GetFileName(d) is not ("bin" or "obj")))
        {
            var name = Path.GetFileName(folder);
            var code = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
                .SelectMany(File.ReadAllLines).Where(line => !line.TrimStart().StartsWith("///", StringComparison.Ordinal));
            graph[name] = new SortedSet<string>(code.SelectMany(line => Reference().Matches(line).Select(m => m.Groups[1].Value))
                .Where(d => d != name), StringComparer.Ordinal);
        }
        return graph;
    }

    private static List<string>? CycleFrom(string folder, Dictionary<string, SortedSet<string>> graph, List<string> path)
    {
        if (path.Contains(folder)) return [.. path.SkipWhile(p => p != folder), folder];
        foreach (var next in graph.GetValueOrDefault(folder) ?? [])
        {
            if (CycleFrom(next, graph, [.. path, folder]) is { } cycle) return cycle;
        }
        return null;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cluster.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"Cluster.sln not found above {AppContext.BaseDirectory}");
    }
}
