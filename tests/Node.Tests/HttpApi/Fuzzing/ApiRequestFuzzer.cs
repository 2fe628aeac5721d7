using System.Text.Json.Nodes;

namespace Broadcaster.Node.Tests.HttpApi.Fuzzing;

/// <summary>One HTTP API request as sent: method, target (path and query), body (null: none), and what it is.</summary>
public sealed record FuzzRequest(string Method, string Target, string? Body, string Description)
{
    public override string ToString() => $"{Method} {(Target.Length > 160 ? Target[..160] + "…" : Target)} [{Description}] body {(Body is null ? "none" : Body.Length > 160 ? Body[..160] + $"… ({Body.Length} chars)" : Body)}";
}

/// <summary>
/// A seeded generator of hostile HTTP API requests: every route with every method, signed correctly or not (missing,
/// repeated and wrong parameters, a wrong secret, another app's key, old timestamps, a body that does not match its
/// md5), and bodies of every wrong shape (wrong JSON types for every field, malformed, deep, huge, empty).
/// </summary>
public sealed class ApiRequestFuzzer(int seed, ApiClient api)
{
    private readonly Random _random = new(seed);

    private static readonly string[] Routes =
    [
        "events", "batch_events", "channels", "channels/news", "channels/presence-room", "channels/presence-room/users",
        "users/42/terminate_connections", "channels/private-x/users", "nothing-here", "channels/" + new string('c', 300),
        "channels/%2e%2e%2fetc", "events/extra",
    ];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    private static readonly string[] Bodies =
    [
        """{"name":"e","channels":["news"],"data":"{}"}""",
        """{"name":"e","channel":"news","data":"x","socket_id":"1.2"}""",
        """{"batch":[{"name":"e","channel":"news","data":"x"},{"name":"f","channel":"presence-room","data":"y","info":"user_count"}]}""",
        """{"name":"e","channels":["news","private-x"],"data":"{}","info":"subscription_count"}""",
    ];

    private static readonly string[] Fields = ["name", "channels", "channel", "data", "socket_id", "info", "batch"];

    public FuzzRequest Next()
    {
        var route = Routes[_random.Next(Routes.Length)];
        var method = _random.Next(4) == 0 ? Methods[_random.Next(Methods.Length)] : route.Contains("events") || route.Contains("terminate") ? "POST" : "GET";
        var (body, bodyWhat) = method is "GET" or "HEAD" or "OPTIONS" && _random.Next(3) > 0 ? ("", "") : Body();
        var query = new List<KeyValuePair<string, string>>();
        if (route.StartsWith("channels", StringComparison.Ordinal) && _random.Next(2) == 0)
            query.Add(new(_random.Next(2) == 0 ? "info" : "filter_by_prefix", _random.Next(3) switch { 0 => "user_count", 1 => "presence-", _ => new string('i', _random.Next(0, 2000)) }));
        var (target, signWhat) = Sign(method, route, body, query);
        return new FuzzRequest(method, target, body.Length == 0 && method is "GET" or "HEAD" or "OPTIONS" ? null : body, $"{signWhat}{bodyWhat}");
    }

    private (string Body, string What) Body()
    {
        var template = Bodies[_random.Next(Bodies.Length)];
        switch (_random.Next(12))
        {
            case 0: return ("", ", empty body");
            case 1: return (template[.._random.Next(template.Length)], ", cut body");
            case 2: return (new string('[', _random.Next(1, 5000)), ", deep body");
            case 3: return ($$"""{"name":"e","channels":["news"],"data":"{{new string('d', _random.Next(10_000, 1_200_000))}}"}""", ", big data");
            case 4: return ("not json at all \u0000\u00ff", ", not JSON");
            case 5: return (template, "");
        }
        var root = JsonNode.Parse(template)!.AsObject();
        for (var i = _random.Next(1, 4); i > 0; i--)
        {
            var field = Fields[_random.Next(Fields.Length)];
            if (_random.Next(4) == 0) root.Remove(field);
            else root[field] = Value();
        }
        return (root.ToJsonString(), ", mutated body");
    }

    private JsonNode? Value() => _random.Next(10) switch
    {
        0 => null,
        1 => JsonValue.Create(_random.Next()),
        2 => JsonValue.Create(true),
        3 => new JsonArray(JsonValue.Create(1), null, new JsonObject()),
        4 => new JsonObject { ["name"] = 5 },
        5 => "",
        6 => new string('x', _random.Next(100, 20_000)),
        7 => new JsonArray([.. Enumerable.Range(0, _random.Next(90, 120)).Select(i => (JsonNode)JsonValue.Create($"ch-{i}"))]),
        8 => "1.2.3",
        _ => "presence-" + new string('p', _random.Next(150, 300)),
    };

    private (string Target, string What) Sign(string method, string route, string body, List<KeyValuePair<string, string>> query)
    {
        switch (_random.Next(10))
        {
            case 0: return ($"/apps/{api.App.Id}/{route}", "unsigned");
            case 1: return (api.SignedTarget(method, route, body, query, new SignOptions { Secret = "wrong-secret" }), "wrong secret");
            case 2: return (api.SignedTarget(method, route, body, query, new SignOptions { Timestamp = ApiClient.Now - 100_000 }), "old timestamp");
            case 3: return (api.SignedTarget(method, route, body, query, new SignOptions { AuthKey = "noclient-key", Secret = "noclient-secret" }), "another app's key");
            case 4: return (api.SignedTarget(method, route, body, query, new SignOptions { BodyMd5 = "0123456789abcdef0123456789abcdef" }), "wrong body_md5");
            case 5: return (api.SignedTarget(method, route, body, query) + "&auth_key=other", "repeated auth_key");
            case 6: return (api.SignedTarget(method, route, body, query).Replace("auth_version=1.0", "auth_version=9"), "wrong auth_version");
            case 7: return (api.SignedTarget(method, route, body, query, new SignOptions { MangleSignature = s => s[..^1] + (s[^1] == '0' ? '1' : '0') }), "one signature digit off");
            default: return (api.SignedTarget(method, route, body, query), "signed");
        }
    }
}
