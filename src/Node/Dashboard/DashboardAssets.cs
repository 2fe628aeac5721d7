using System.Collections.Concurrent;
using System.Text;

namespace Broadcaster.Node.Dashboard;

/// <summary>The page and its files, embedded in the binary (<c>src/Node/Dashboard/wwwroot</c>): nothing is fetched from elsewhere.</summary>
public static class DashboardAssets
{
    private static readonly ConcurrentDictionary<string, byte[]?> Cache = new(StringComparer.Ordinal);

    /// <summary>The page, with its base URL (<c>{prefix}/dashboard/</c>) in place of <c>__BASE__</c>.</summary>
    public static byte[] Page(string pathPrefix)
    {
        var html = Encoding.UTF8.GetString(Read("index.html") ?? throw new InvalidOperationException("The dashboard page is not in the binary"));
        return Encoding.UTF8.GetBytes(html.Replace("__BASE__", $"{pathPrefix}/dashboard/", StringComparison.Ordinal));
    }

    /// <summary>A file under assets/, or null for a name that is not one (no path outside it can be named).</summary>
    public static byte[]? Asset(string name)
    {
        if (name.Length == 0 || name.Contains("..", StringComparison.Ordinal) || name.Contains('\\')) return null;
        return Read("assets/" + name);
    }

    public static string ContentType(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".html" => "text/html; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };

    private static byte[]? Read(string name) => Cache.GetOrAdd(name, n =>
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream("dashboard/" + n);
        if (stream is null) return null;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });
}
