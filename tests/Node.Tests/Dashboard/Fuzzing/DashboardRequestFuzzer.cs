using System.Net.Http.Headers;
using System.Text;

namespace Broadcaster.Node.Tests.Dashboard.Fuzzing;

/// <summary>One dashboard request as sent, and what it is.</summary>
public sealed record DashboardFuzzRequest(string Method, string Path, string? ContentType, string? Body, bool SignedIn)
{
    public HttpRequestMessage ToMessage(string password)
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), Path);
        if (SignedIn) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", password);
        if (Body is not null)
        {
            message.Content = new StringContent(Body, Encoding.UTF8);
            message.Content.Headers.ContentType = ContentType is null ? null : MediaTypeHeaderValue.Parse(ContentType);
        }
        return message;
    }

    public override string ToString() =>
        $"{Method} {Path} ({(SignedIn ? "signed in" : "not signed in")}, {ContentType ?? "no content type"}) body {(Body is null ? "none" : Body.Length > 160 ? Body[..160] + $"… ({Body.Length} chars)" : Body)}";
}

/// <summary>
/// A seeded generator of hostile dashboard requests: every route (the live stream aside: it does not end) with every
/// method, signed in with the right bearer or not at all (a wrong one would lock the address out), odd queries, and
/// sign-in and test-event bodies of every wrong shape and content type.
/// </summary>
public sealed class DashboardRequestFuzzer(int seed)
{
    private readonly Random _random = new(seed);

    private static readonly string[] Paths =
    [
        "", "/", "/login", "/logout", "/api/overview", "/api/statistics", "/api/event", "/api/", "/api/nothing",
        "/assets/dashboard.js", "/assets/vendor/uPlot.iife.min.js", "/assets/nothing.js", "/assets/%2e%2e/%2e%2e/etc/passwd",
        "/index.html", "/" + new string('d', 300),
    ];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    private static readonly string[] Queries =
    [
        "", "?app=app-id", "?app=app-id&hours=1", "?app=app-id&hours=abc", "?app=app-id&hours=-3", "?app=app-id&hours=99999999999",
        "?app=app-id&hours=1&hours=2", "?app=nope", "?app=", "?app=%00%ff", "?hours=" + new string('9', 500),
    ];

    private static readonly string[] Events =
    [
        """{"app":"app-id","channel":"news","event":"e","data":"x"}""",
        """{"app":"app-id","channel":"news","event":"e","data":{"n":1},"socket_id":"1.2"}""",
    ];

    private static readonly string[] ContentTypes = ["application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"];

    public DashboardFuzzRequest Next()
    {
        var path = Paths[_random.Next(Paths.Length)];
        var method = _random.Next(3) == 0 ? Methods[_random.Next(Methods.Length)] : path is "/login" or "/logout" or "/api/event" ? "POST" : "GET";
        if (path.StartsWith("/api/statistics", StringComparison.Ordinal)) path += Queries[_random.Next(Queries.Length)];
        var signedIn = _random.Next(5) > 0;
        if (method is "GET" or "HEAD" or "OPTIONS" && _random.Next(3) > 0) return new(method, "dashboard" + path, null, null, signedIn);
        var contentType = _random.Next(4) == 0 ? ContentTypes[_random.Next(ContentTypes.Length)] : "application/json";
        return new(method, "dashboard" + path, contentType, Body(path), signedIn);
    }

    private string Body(string path)
    {
        // A sign-in carries the right password, none or a body that cannot be read: a wrong one counts as a failed
        // sign-in, and five lock the address out (tested apart).
        if (path == "/login")
        {
            return _random.Next(5) switch
            {
                0 => "",
                1 => new string('{', _random.Next(1, 5000)),
                2 => "\"password\": ",
                3 => """{"password":5,"pass":"x"}""",
                _ => $$"""{"password":"{{DashboardAccessTests.Password}}"}""",
            };
        }
        var template = Events[_random.Next(Events.Length)];
        return _random.Next(10) switch
        {
            0 => "",
            1 => template[.._random.Next(template.Length)],
            2 => new string('[', _random.Next(1, 5000)),
            3 => $$"""{"app":"app-id","channel":"news","event":"e","data":"{{new string('d', _random.Next(10_000, 300_000))}}"}""",
            4 => "app=app-id&channel=%zz&\u00ff\u0000",
            5 => template.Replace("\"news\"", _random.Next(2) == 0 ? "5" : "[\"news\"]", StringComparison.Ordinal),
            6 => template.Replace("\"app-id\"", _random.Next(2) == 0 ? "null" : "\"disabled-id\"", StringComparison.Ordinal),
            7 => template.Replace("\"e\"", "\"" + new string('e', 300) + "\"", StringComparison.Ordinal),
            _ => template,
        };
    }
}
