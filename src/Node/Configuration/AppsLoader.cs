using Akka.Configuration;
using Akka.Configuration.Hocon;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Webhooks;

namespace Broadcaster.Node.Configuration;

/// <summary>Reads <c>broadcaster.apps</c> and the default app from <c>PUSHER_APP_ID/KEY/SECRET</c>.</summary>
internal static class AppsLoader
{
    public static (IReadOnlyList<PusherApp> Apps, bool UsesDefault) Load(Config config, Func<string, string?> env)
    {
        var apps = new List<PusherApp>();
        if (config.HasPath("broadcaster.apps"))
        {
            IList<HoconValue> items;
            try
            {
                var value = config.GetValue("broadcaster.apps");
                if (value.IsString() || value.IsObject()) throw new FormatException();
                items = value.GetArray();
            }
            catch (Exception)
            {
                throw new SettingsException("broadcaster.apps: expected a list of app objects");
            }
            var index = 0;
            foreach (var item in items)
            {
                apps.Add(ReadApp(item, $"broadcaster.apps[{index}]"));
                index++;
            }
        }

        // A Laravel/Pixelfed .env already holds these; they define (or override) the app with that id.
        var usesDefault = false;
        if (env("PUSHER_APP_KEY") is { } key)
        {
            var id = env("PUSHER_APP_ID") ?? "app-id";
            var secret = env("PUSHER_APP_SECRET") ?? throw new SettingsException("PUSHER_APP_SECRET: must be set together with PUSHER_APP_KEY");
            var existing = apps.FindIndex(a => a.Id == id);
            var app = existing >= 0 ? apps[existing] with { Key = key, Secret = secret } : new PusherApp(id, key, secret, "default", EnableClientMessages: true);
            if (existing >= 0) apps[existing] = app; else apps.Add(app);
        }
        else if (apps.Count == 0)
        {
            apps.Add(new PusherApp(env("PUSHER_APP_ID") ?? "app-id", "app-key", env("PUSHER_APP_SECRET") ?? "app-secret", "default", EnableClientMessages: true));
            usesDefault = true;
        }
        Validate(apps);
        return (apps, usesDefault);
    }

    private static PusherApp ReadApp(HoconValue value, string path)
    {
        if (!value.IsObject()) throw new SettingsException($"{path}: expected an object {{ id, key, secret, ... }}");
        var obj = value.GetObject();
        OptionsLoader.CheckKeys(obj, path, OptionsLoader.KnownAppKeys);
        string Str(string key, string? fallback = null) =>
            obj.Items.TryGetValue(key, out var v) && v.GetString() is { } s ? s
            : fallback ?? throw new SettingsException($"{path}.{key}: required");
        bool Bool(string key, bool fallback) =>
            !obj.Items.TryGetValue(key, out var v) ? fallback
            : bool.TryParse(v.GetString(), out var b) ? b
            : v.GetString() is "on" or "yes" ? true : v.GetString() is "off" or "no" ? false
            : throw new SettingsException($"{path}.{key}: expected true or false");
        int Int(string key, int fallback) =>
            !obj.Items.TryGetValue(key, out var v) ? fallback
            : int.TryParse(v.GetString(), out var i) ? i
            : throw new SettingsException($"{path}.{key}: expected a whole number");
        IReadOnlyList<string>? origins = null;
        if (obj.Items.TryGetValue("allowed-origins", out var o))
        {
            try
            {
                // Akka's HOCON reports an empty list as not an array, so read it rather than ask; but a plain
                // string reads as an empty list, which would silently allow every origin.
                if (o.IsString() || o.IsObject()) throw new FormatException();
                origins = o.GetArray().Select(x => x.GetString()).ToList();
            }
            catch (Exception)
            {
                throw new SettingsException($"{path}.allowed-origins: expected a list of origins");
            }
        }
        return new PusherApp(
            Str("id"), Str("key"), Str("secret"), Str("name", ""),
            Enabled: Bool("enabled", true),
            MaxConnections: Int("max-connections", -1),
            EnableClientMessages: Bool("enable-client-messages", false),
            EnableUserAuthentication: Bool("enable-user-authentication", false),
            AllowedOrigins: origins,
            EnableSubscriptionCount: Bool("enable-subscription-count", false),
            EnableWatchlistEvents: Bool("enable-watchlist-events", false),
            Webhooks: obj.Items.TryGetValue("webhooks", out var hooks) ? ReadWebhooks(hooks, $"{path}.webhooks") : null);
    }

    private static readonly string[] WebhookKeys = ["url", "event-types", "filter", "headers"];
    private static readonly string[] FilterKeys = ["channel-name-starts-with", "channel-name-ends-with"];

    private static List<Webhook> ReadWebhooks(HoconValue value, string path)
    {
        IList<HoconValue> items;
        try
        {
            if (value.IsString() || value.IsObject()) throw new FormatException();
            items = value.GetArray();
        }
        catch (Exception)
        {
            throw new SettingsException($"{path}: expected a list of {{ url, event-types, filter, headers }}");
        }
        return items.Select((item, i) => ReadWebhook(item, $"{path}[{i}]")).ToList();
    }

    private static Webhook ReadWebhook(HoconValue value, string path)
    {
        if (!value.IsObject()) throw new SettingsException($"{path}: expected an object {{ url, event-types, filter, headers }}");
        var obj = value.GetObject();
        OptionsLoader.CheckKeys(obj, path, WebhookKeys);
        var url = obj.Items.TryGetValue("url", out var u) ? u.GetString() : null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new SettingsException($"{path}.url: expected an http:// or https:// URL");
        List<string> types;
        try
        {
            if (!obj.Items.TryGetValue("event-types", out var t) || t.IsString() || t.IsObject()) throw new FormatException();
            types = t.GetArray().Select(x => x.GetString()).ToList();
        }
        catch (Exception)
        {
            throw new SettingsException($"{path}.event-types: expected a list of {string.Join(", ", Webhook.AllEventTypes)}");
        }
        if (types.Count == 0) throw new SettingsException($"{path}.event-types: must name at least one event type");
        foreach (var type in types.Where(t => !Webhook.AllEventTypes.Contains(t)))
            throw new SettingsException($"{path}.event-types: unknown event type '{type}' (known: {string.Join(", ", Webhook.AllEventTypes)})");
        string starts = "", ends = "";
        if (obj.Items.TryGetValue("filter", out var f))
        {
            if (!f.IsObject()) throw new SettingsException($"{path}.filter: expected {{ channel-name-starts-with, channel-name-ends-with }}");
            OptionsLoader.CheckKeys(f.GetObject(), $"{path}.filter", FilterKeys);
            starts = f.GetObject().Items.TryGetValue("channel-name-starts-with", out var sv) ? sv.GetString() ?? "" : "";
            ends = f.GetObject().Items.TryGetValue("channel-name-ends-with", out var ev) ? ev.GetString() ?? "" : "";
        }
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (obj.Items.TryGetValue("headers", out var h))
        {
            if (!h.IsObject()) throw new SettingsException($"{path}.headers: expected an object of header names and values");
            foreach (var (name, v) in h.GetObject().Items)
            {
                if (name.Length == 0 || name.Any(c => c <= ' ' || c is ':' or '(' or ')' or ',' or '"' or '/' or '[' or ']' or '{' or '}' or '=' or ';'))
                    throw new SettingsException($"{path}.headers: '{name}' is not a header name");
                // The body's signature and type are what receivers check: an app cannot replace them.
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || name.StartsWith("X-Pusher-", StringComparison.OrdinalIgnoreCase))
                    throw new SettingsException($"{path}.headers: '{name}' is set by the server");
                headers[name] = v.GetString() ?? "";
            }
        }
        return new Webhook(url!, types.ToHashSet(StringComparer.Ordinal), starts, ends, headers);
    }

    private static void Validate(List<PusherApp> apps)
    {
        for (var i = 0; i < apps.Count; i++)
        {
            var app = apps[i];
            var path = $"broadcaster.apps[{i}]";
            if (string.IsNullOrWhiteSpace(app.Id)) throw new SettingsException($"{path}.id: must not be empty");
            if (string.IsNullOrWhiteSpace(app.Key)) throw new SettingsException($"{path}.key: must not be empty");
            if (string.IsNullOrEmpty(app.Secret)) throw new SettingsException($"{path}.secret: must not be empty");
            if (app.Key.Contains(':') || app.Key.Contains('/')) throw new SettingsException($"{path}.key: must not contain ':' or '/'");
            if (apps.Take(i).Any(a => a.Id == app.Id)) throw new SettingsException($"{path}.id: duplicate app id '{app.Id}'");
            if (apps.Take(i).Any(a => a.Key == app.Key)) throw new SettingsException($"{path}.key: duplicate app key '{app.Key}'");
        }
    }
}
