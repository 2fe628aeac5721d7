using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Broadcaster.Node.Tests.HttpApi;

/// <summary>PROTOCOL.md 6.1-6.3: request authentication, validation and error bodies.</summary>
public class HttpApiAuthTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private ApiClient Api => fixture.Server.Api();

    private const string Body = """{"name":"auth-test","channels":["auth-nobody"],"data":"x"}""";

    [Fact]
    public async Task Correctly_signed_request_is_200()
    {
        (await Api.PostAsync("events", Body)).AssertOk();
    }

    [Fact]
    public async Task Bad_signature_is_401()
    {
        var response = await Api.PostAsync("events", Body, new SignOptions { MangleSignature = s => (s[0] == 'a' ? "b" : "a") + s[1..] });
        response.AssertError(401);
    }

    [Fact]
    public async Task Wrong_secret_is_401()
    {
        (await Api.PostAsync("events", Body, new SignOptions { Secret = "not-the-secret" })).AssertError(401);
    }

    [Fact]
    public async Task Upper_case_signature_is_accepted()
    {
        (await Api.PostAsync("events", Body, new SignOptions { MangleSignature = s => s.ToUpperInvariant() })).AssertOk();
    }

    [Theory]
    [InlineData(-601)]
    [InlineData(601)]
    [InlineData(-100000)]
    public async Task Timestamp_outside_the_window_is_401(int offset)
    {
        (await Api.PostAsync("events", Body, new SignOptions { Timestamp = ApiClient.Now + offset })).AssertError(401);
    }

    [Fact]
    public async Task Timestamp_inside_the_window_is_accepted()
    {
        (await Api.PostAsync("events", Body, new SignOptions { Timestamp = ApiClient.Now - 590 })).AssertOk();
    }

    [Fact]
    public async Task The_window_is_measured_on_the_node_clock()
    {
        var nodeNow = DateTimeOffset.UtcNow.AddHours(1);
        await using var server = await TestServers.StartAsync(time: new FakeTimeProvider(nodeNow));
        var api = server.Api();

        (await api.PostAsync("events", Body)).AssertError(401);
        (await api.PostAsync("events", Body, new SignOptions { Timestamp = nodeNow.ToUnixTimeSeconds() })).AssertOk();
    }

    [Fact]
    public async Task Wrong_auth_key_is_401()
    {
        (await Api.PostAsync("events", Body, new SignOptions { AuthKey = "other-key" })).AssertError(401);
        // The key of another configured app does not work either.
        (await Api.PostAsync("events", Body, new SignOptions { AuthKey = TestApps.NoClientEvents.Key, Secret = TestApps.NoClientEvents.Secret })).AssertError(401);
    }

    [Fact]
    public async Task Body_md5_mismatch_is_401()
    {
        var wrong = Broadcaster.Protocol.Signing.PusherSignature.Md5Hex(Encoding.UTF8.GetBytes(Body + " "));
        (await Api.PostAsync("events", Body, new SignOptions { BodyMd5 = wrong })).AssertError(401);
    }

    [Fact]
    public async Task Empty_body_with_the_md5_of_nothing_is_accepted_and_another_md5_is_401()
    {
        (await Api.GetAsync("channels", options: new SignOptions { BodyMd5 = "d41d8cd98f00b204e9800998ecf8427e" })).AssertOk();
        (await Api.GetAsync("channels", options: new SignOptions { BodyMd5 = "99914b932bd37a50b983c5e7c90ae93b" })).AssertError(401);
    }

    [Fact]
    public async Task Missing_auth_parameters_is_401()
    {
        (await Api.SendRawAsync("GET", "/apps/app-id/channels", null)).AssertError(401);
        (await Api.SendRawAsync("POST", "/apps/app-id/events?auth_key=app-key&auth_timestamp=1&auth_version=1.0", Body)).AssertError(401);
    }

    [Fact]
    public async Task Wrong_auth_version_is_401()
    {
        var target = Api.SignedTarget("GET", "channels", "").Replace("auth_version=1.0", "auth_version=2.0");
        (await Api.SendRawAsync("GET", target, null)).AssertError(401);
    }

    [Fact]
    public async Task Query_values_verify_whether_percent_encoded_or_raw()
    {
        var query = new List<KeyValuePair<string, string>> { new("info", "subscription_count,occupied") };
        var encoded = Api.SignedTarget("GET", "channels/qv", "", query);
        Assert.Contains("%2C", encoded);
        (await Api.SendRawAsync("GET", encoded, null)).AssertOk();
        (await Api.SendRawAsync("GET", encoded.Replace("%2C", ","), null)).AssertOk();
    }

    [Fact]
    public async Task Unknown_app_id_is_404()
    {
        var stranger = new ApiClient(fixture.Server.Port, TestApps.Main with { Id = "no-such-app" });
        (await stranger.PostAsync("events", Body)).AssertError(404);
    }

    [Fact]
    public async Task Unknown_api_route_is_404()
    {
        (await Api.GetAsync("nonsense")).AssertError(404);
        (await Api.GetAsync("channels/a/b/c")).AssertError(404);
    }

    [Fact]
    public async Task Wrong_method_on_a_known_route_is_405()
    {
        (await Api.GetAsync("events")).AssertError(405);
        (await Api.PostAsync("channels", "{}")).AssertError(405);
    }

    [Fact]
    public async Task Disabled_app_is_403()
    {
        (await fixture.Server.Api(TestApps.Disabled).PostAsync("events", Body)).AssertError(403);
    }

    public static TheoryData<string, int> InvalidBodies => new()
    {
        { "not json", 400 },
        { "", 400 },
        { "[]", 400 },
        { """{"channels":["c"],"data":"x"}""", 400 },
        { """{"name":"e","channels":["c"]}""", 400 },
        { """{"name":"e","data":"x"}""", 400 },
        { """{"name":"e","channels":[],"data":"x"}""", 400 },
        { """{"name":"e","channels":"c","data":"x"}""", 400 },
        { """{"name":"e","channels":["bad:name"],"data":"x"}""", 400 },
        { """{"name":"e","channels":["c"],"data":{"object":true}}""", 400 },
        { """{"name":"e","channels":["c"],"data":42}""", 400 },
        { """{"name":"e","channels":["c"],"data":"x","socket_id":"abc"}""", 400 },
        { """{"name":"e","channels":["c"],"data":"x","socket_id":"1.2.3"}""", 400 },
        { """{"name":"e","channels":["c"],"data":"x","socket_id":"1234"}""", 400 },
        { """{"name":"e","channels":["c"],"data":"x","socket_id":".1"}""", 400 },
        { """{"name":"e","channels":["c"],"data":"x","socket_id":12.34}""", 400 },
        { $$"""{"name":"{{new string('n', 201)}}","channels":["c"],"data":"x"}""", 400 },
        { $$"""{"name":"e","channels":["{{new string('c', 201)}}"],"data":"x"}""", 400 },
        { $$"""{"name":"e","channels":[{{string.Join(",", Enumerable.Range(0, 101).Select(i => $"\"c{i}\""))}}],"data":"x"}""", 400 },
        { $$"""{"name":"e","channels":["c"],"data":"{{new string('d', 10241)}}"}""", 413 },
        { $$"""{"name":"e","channels":["c"],"data":"{{string.Concat(Enumerable.Repeat("é", 5121))}}"}""", 413 },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_trigger_is_refused_with_a_json_error(string body, int status)
    {
        (await Api.PostAsync("events", body)).AssertError(status);
    }

    public static TheoryData<string> BoundaryBodies => new()
    {
        $$"""{"name":"{{new string('n', 200)}}","channels":["c"],"data":"x"}""",
        $$"""{"name":"e","channels":["{{new string('c', 200)}}"],"data":"x"}""",
        $$"""{"name":"e","channels":[{{string.Join(",", Enumerable.Range(0, 100).Select(i => $"\"c{i}\""))}}],"data":"x"}""",
        $$"""{"name":"e","channels":["c"],"data":"{{new string('d', 10240)}}"}""",
        """{"name":"e","channels":["#server-to-user-42"],"data":"x"}""",
    };

    [Theory]
    [MemberData(nameof(BoundaryBodies))]
    public async Task Values_exactly_at_the_limits_are_accepted(string body)
    {
        (await Api.PostAsync("events", body)).AssertOk();
    }

    [Fact]
    public async Task Request_body_over_the_limit_is_413_with_or_without_content_length()
    {
        var max = fixture.Server.Options.Limits.MaxRequestBodyBytes;
        var body = $$"""{"name":"e","channels":["c"],"data":"{{new string('d', max)}}"}""";
        (await Api.PostAsync("events", body)).AssertError(413);
        var target = Api.SignedTarget("POST", "events", body);
        (await Api.SendChunkedAsync(target, body)).AssertError(413);
    }
}
