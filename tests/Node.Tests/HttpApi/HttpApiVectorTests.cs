using Broadcaster.Node.Configuration;
using Broadcaster.Protocol.Apps;

namespace Broadcaster.Node.Tests.HttpApi;

/// <summary>A node whose HTTP API accepts any timestamp, so the fixed-clock vectors can be replayed against it.</summary>
public sealed class VectorServerFixture : ServerFixture
{
    protected override BroadcasterOptions Configure(BroadcasterOptions defaults) => defaults with
    {
        Apps = [VectorFile.App("doc"), VectorFile.App("test")],
        Limits = ProtocolLimits.Default with { TimestampWindowSeconds = 0 },
    };
}

public static class VectorFile
{
    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "pusher-vectors.json")));
        return doc.RootElement.Clone();
    });

    public static PusherApp App(string name)
    {
        var a = Root.Value.GetProperty("apps").GetProperty(name);
        return new PusherApp(a.GetProperty("app_id").GetString()!, a.GetProperty("key").GetString()!, a.GetProperty("secret").GetString()!);
    }

    public static IEnumerable<JsonElement> HttpApi => Root.Value.GetProperty("vectors").GetProperty("http_api").EnumerateArray();

    public static JsonElement Http(string id) => HttpApi.Single(v => v.GetProperty("id").GetString() == id);
}

/// <summary>PROTOCOL.md 11.C replayed over the wire: each vector's request_target and body must pass authentication.</summary>
public class HttpApiVectorTests(VectorServerFixture fixture) : IClassFixture<VectorServerFixture>
{
    public static TheoryData<string> Ids
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var v in VectorFile.HttpApi) data.Add(v.GetProperty("id").GetString()!);
            return data;
        }
    }

    private Task<ApiResponse> SendAsync(JsonElement v, string target) =>
        new ApiClient(fixture.Server.Port, TestApps.Main).SendRawAsync(
            v.GetProperty("method").GetString()!, target, v.TryGetProperty("body", out var b) ? b.GetString() : null);

    [Theory]
    [MemberData(nameof(Ids))]
    public async Task Vector_request_passes_authentication(string id)
    {
        var v = VectorFile.Http(id);
        var response = await SendAsync(v, v.GetProperty("request_target").GetString()!);
        Assert.True(response.Status != 401, $"{id}: {response.Status} {response.Body}");
        Assert.Equal("application/json", response.ContentType);
        response.AssertOk();
        // terminate_connections (6.8) answers {} like every SDK expects.
        if (id == "http-post-terminate") Assert.Equal("{}", response.Body);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public async Task Vector_request_with_a_flipped_signature_is_401(string id)
    {
        var v = VectorFile.Http(id);
        var target = v.GetProperty("request_target").GetString()!;
        var sig = v.GetProperty("auth_signature").GetString()!;
        var flipped = (sig[^1] == '0' ? sig[..^1] + "1" : sig[..^1] + "0");
        var response = await SendAsync(v, target.Replace(sig, flipped));
        response.AssertError(401);
    }

    [Fact]
    public async Task Vector_post_with_a_changed_body_is_401()
    {
        var v = VectorFile.Http("http-doc-post-events");
        var body = v.GetProperty("body").GetString()!.Replace("project-3", "project-4");
        var response = await new ApiClient(fixture.Server.Port, TestApps.Main).SendRawAsync("POST", v.GetProperty("request_target").GetString()!, body);
        response.AssertError(401);
    }

    [Fact]
    public async Task Vector_trigger_is_delivered()
    {
        var doc = VectorFile.App("doc");
        await using var client = await PusherClient.ConnectAsync(fixture.Server.Port, doc);
        await client.SubscribeAsync("project-3");
        var v = VectorFile.Http("http-doc-post-events");
        (await SendAsync(v, v.GetProperty("request_target").GetString()!)).AssertOk();
        var frame = await client.ExpectAsync("foo");
        Assert.Equal("project-3", frame.Channel);
        Assert.Equal("""{"some":"data"}""", frame.DataString);
    }
}
