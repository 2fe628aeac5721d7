using Broadcaster.Protocol.Apps;

namespace Broadcaster.Node.Hosting;

/// <summary>The configured apps, looked up by key (WebSocket URL) or id (HTTP API path).</summary>
public sealed class AppDirectory(IEnumerable<PusherApp> apps)
{
    private readonly Dictionary<string, PusherApp> _byKey = apps.ToDictionary(a => a.Key, StringComparer.Ordinal);
    private readonly Dictionary<string, PusherApp> _byId = apps.ToDictionary(a => a.Id, StringComparer.Ordinal);

    public PusherApp? ByKey(string key) => _byKey.GetValueOrDefault(key);

    public PusherApp? ById(string id) => _byId.GetValueOrDefault(id);
}
