using System.Text;
using System.Text.Json;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Http;

namespace Broadcaster.Protocol.Tests.Http;

/// <summary>PROTOCOL.md 6.3, 6.4.</summary>
public class TriggerRequestTests
{
    private static readonly ProtocolLimits Limits = ProtocolLimits.Default;

    private static byte[] Json(object o) => JsonSerializer.SerializeToUtf8Bytes(o);

    private static TriggerRequest Events(object body) => TriggerRequest.ParseEvents(Json(body), Limits);

    private static int EventsStatus(byte[] body) =>
        Assert.Throws<ApiError>(() => TriggerRequest.ParseEvents(body, Limits)).Status;

    private static int EventsStatus(object body) => EventsStatus(Json(body));

    private static int BatchStatus(object body) =>
        Assert.Throws<ApiError>(() => TriggerRequest.ParseBatch(Json(body), Limits)).Status;

    private static Dictionary<string, object?> Item(string channel = "orders", string name = "e", object? data = null) =>
        new() { ["channel"] = channel, ["name"] = name, ["data"] = data ?? "{}" };

    [Fact]
    public void Spec_example_parses()
    {
        var r = TriggerRequest.ParseEvents(Encoding.UTF8.GetBytes(
            "{\"name\":\"order-shipped\",\"data\":\"{\\\"id\\\":42}\",\"channels\":[\"private-orders.42\",\"orders\"],\"socket_id\":\"123456.7890123\",\"info\":\"user_count,subscription_count\"}"), Limits);
        Assert.Equal("order-shipped", r.Name);
        Assert.Equal("{\"id\":42}", r.Data);
        Assert.Equal(["private-orders.42", "orders"], r.Channels);
        Assert.Equal("123456.7890123", r.SocketId);
        Assert.Equal(new HashSet<string> { "user_count", "subscription_count" }, r.Info);
    }

    [Fact]
    public void Single_channel_field()
    {
        var r = Events(new { name = "e", data = "x", channel = "orders" });
        Assert.Equal(["orders"], r.Channels);
        Assert.Null(r.SocketId);
        Assert.Empty(r.Info);
    }

    [Fact]
    public void Channels_array_wins_over_channel() =>
        Assert.Equal(["a", "b"], Events(new { name = "e", data = "x", channel = "c", channels = new[] { "a", "b" } }).Channels);

    [Fact]
    public void Missing_or_bad_channels_is_400()
    {
        Assert.Equal(400, EventsStatus(new { name = "e", data = "x" }));
        Assert.Equal(400, EventsStatus(new { name = "e", data = "x", channels = Array.Empty<string>() }));
        Assert.Equal(400, EventsStatus(new { name = "e", data = "x", channels = "orders" }));
        Assert.Equal(400, EventsStatus(new { name = "e", data = "x", channels = new object[] { "a", 1 } }));
    }

    [Fact]
    public void Channel_count_100_ok_101_is_400()
    {
        var hundred = Enumerable.Range(0, 100).Select(i => $"c{i}").ToArray();
        Assert.Equal(100, Events(new { name = "e", data = "x", channels = hundred }).Channels.Count);
        Assert.Equal(400, EventsStatus(new { name = "e", data = "x", channels = hundred.Append("c100").ToArray() }));
    }

    [Fact]
    public void Name_200_ok_201_is_400()
    {
        Assert.Equal(200, Events(new { name = new string('n', 200), data = "x", channel = "c" }).Name.Length);
        Assert.Equal(400, EventsStatus(new { name = new string('n', 201), data = "x", channel = "c" }));
        Assert.Equal(400, EventsStatus(new { name = "", data = "x", channel = "c" }));
        Assert.Equal(400, EventsStatus(new { name = 5, data = "x", channel = "c" }));
        Assert.Equal(400, EventsStatus(new { data = "x", channel = "c" }));
    }

    [Fact]
    public void Data_10240_bytes_ok_10241_is_413()
    {
        Assert.Equal(10240, Events(new { name = "e", data = new string('a', 10240), channel = "c" }).Data.Length);
        Assert.Equal(413, EventsStatus(new { name = "e", data = new string('a', 10241), channel = "c" }));
        // Counted in UTF-8 bytes, not characters.
        Events(new { name = "e", data = new string('é', 5120), channel = "c" });
        Assert.Equal(413, EventsStatus(new { name = "e", data = new string('é', 5120) + "a", channel = "c" }));
        Assert.Equal(413, Assert.Throws<ApiError>(() => TriggerRequest.ParseEvents(Json(new { name = "e", data = "abc", channel = "c" }), Limits with { MaxEventDataBytes = 2 })).Status);
    }

    [Fact]
    public void Data_must_be_a_string()
    {
        Assert.Equal(400, EventsStatus(new { name = "e", data = new { id = 1 }, channel = "c" }));
        Assert.Equal(400, EventsStatus(new { name = "e", data = 1, channel = "c" }));
        Assert.Equal(400, EventsStatus(new { name = "e", data = (string?)null, channel = "c" }));
        Assert.Equal(400, EventsStatus(new { name = "e", channel = "c" }));
        Assert.Equal("", Events(new { name = "e", data = "", channel = "c" }).Data);
    }

    [Fact]
    public void Data_is_kept_exactly()
    {
        const string data = "{\"s\":\"\\u00e9\\/\",\"z\":\"Zoë\u2028😀\"}";
        Assert.Equal(data, Events(new { name = "e", data, channel = "c" }).Data);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1")]
    [InlineData("1.")]
    [InlineData("1.2.3")]
    [InlineData("")]
    [InlineData(" 1.2")]
    public void Bad_socket_id_is_400(string socketId) =>
        Assert.Equal(400, EventsStatus(new { name = "e", data = "x", channel = "c", socket_id = socketId }));

    [Fact]
    public void Socket_id_non_string_is_400_and_null_is_none()
    {
        Assert.Equal(400, EventsStatus(new { name = "e", data = "x", channel = "c", socket_id = 1.2 }));
        Assert.Null(Events(new { name = "e", data = "x", channel = "c", socket_id = (string?)null }).SocketId);
    }

    [Theory]
    [InlineData("private:a")]
    [InlineData("a b")]
    [InlineData("#foo")]
    [InlineData("#server-to-user-")]
    [InlineData("")]
    public void Invalid_channel_is_400(string channel)
    {
        Assert.Equal(400, EventsStatus(new { name = "e", data = "x", channels = new[] { "ok", channel } }));
        Assert.Equal(400, EventsStatus(new { name = "e", data = "x", channel }));
    }

    [Fact]
    public void Channel_name_length_200_ok_201_is_400()
    {
        Events(new { name = "e", data = "x", channel = new string('c', 200) });
        Assert.Equal(400, EventsStatus(new { name = "e", data = "x", channel = new string('c', 201) }));
    }

    [Fact]
    public void Server_to_user_channel_is_allowed() =>
        Assert.Equal(["#server-to-user-1"], Events(new { name = "e", data = "x", channels = new[] { "#server-to-user-1" } }).Channels);

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("\"x\"")]
    [InlineData("null")]
    public void Bad_json_or_non_object_is_400(string body) => Assert.Equal(400, EventsStatus(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void Invalid_utf8_in_data_is_400_not_a_crash()
    {
        // BUG: GetString() throws InvalidOperationException on invalid UTF-8, which escapes as a 500.
        var body = Encoding.UTF8.GetBytes("{\"name\":\"e\",\"channel\":\"c\",\"data\":\"X\"}");
        body[Array.IndexOf(body, (byte)'X')] = 0xFF;
        Assert.Equal(400, EventsStatus(body));
    }

    [Fact]
    public void Lone_surrogate_escape_in_data_is_400_not_a_crash() =>
        Assert.Equal(400, EventsStatus(Encoding.UTF8.GetBytes("{\"name\":\"e\",\"channel\":\"c\",\"data\":\"\\ud800\"}")));

    [Fact]
    public void Lone_surrogate_escape_in_batch_item_is_400_not_a_crash() =>
        Assert.Equal(400, Assert.Throws<ApiError>(() => TriggerRequest.ParseBatch(
            Encoding.UTF8.GetBytes("{\"batch\":[{\"name\":\"e\",\"channel\":\"c\",\"data\":\"\\udc00\"}]}"), Limits)).Status);

    [Theory]
    [InlineData("user_count", new[] { "user_count" })]
    [InlineData("user_count,subscription_count", new[] { "user_count", "subscription_count" })]
    [InlineData(" user_count , subscription_count ,", new[] { "user_count", "subscription_count" })]
    [InlineData("", new string[0])]
    [InlineData(",,", new string[0])]
    [InlineData(null, new string[0])]
    public void ParseInfo(string? info, string[] expected) =>
        Assert.Equal(expected.ToHashSet(), TriggerRequest.ParseInfo(info));

    [Fact]
    public void Info_non_string_is_ignored() =>
        Assert.Empty(Events(new { name = "e", data = "x", channel = "c", info = 5 }).Info);

    [Fact]
    public void Batch_parses_in_order()
    {
        var items = TriggerRequest.ParseBatch(Encoding.UTF8.GetBytes(
            "{\"batch\":[{\"channel\":\"orders\",\"name\":\"created\",\"data\":\"{\\\"id\\\":1}\"},{\"channel\":\"presence-room.1\",\"name\":\"typing\",\"data\":\"{\\\"who\\\":\\\"42\\\"}\",\"socket_id\":\"123456.7890123\",\"info\":\"user_count\"}]}"), Limits);
        Assert.Equal(2, items.Count);
        Assert.Equal(("created", "orders"), (items[0].Name, items[0].Channels.Single()));
        Assert.Empty(items[0].Info);
        Assert.Equal(("typing", "presence-room.1", "123456.7890123"), (items[1].Name, items[1].Channels.Single(), items[1].SocketId));
        Assert.Equal(new HashSet<string> { "user_count" }, items[1].Info);
    }

    [Fact]
    public void Batch_of_10_ok_11_is_400()
    {
        Assert.Equal(10, TriggerRequest.ParseBatch(Json(new { batch = Enumerable.Range(0, 10).Select(_ => Item()).ToArray() }), Limits).Count);
        Assert.Equal(400, BatchStatus(new { batch = Enumerable.Range(0, 11).Select(_ => Item()).ToArray() }));
    }

    [Fact]
    public void Batch_item_error_is_all_or_nothing()
    {
        var e = Assert.Throws<ApiError>(() => TriggerRequest.ParseBatch(Json(new { batch = new[] { Item(), Item(channel: "bad:name"), Item() } }), Limits));
        Assert.Equal(400, e.Status);
        Assert.Contains("batch[1]", e.Message);
        Assert.Equal(413, BatchStatus(new { batch = new[] { Item(), Item(data: new string('a', 10241)) } }));
        Assert.Equal(400, BatchStatus(new { batch = new[] { Item(), Item(data: new { a = 1 }) } }));
    }

    [Fact]
    public void Batch_item_needs_single_channel()
    {
        Assert.Equal(400, BatchStatus(new { batch = new[] { new { channels = new[] { "a" }, name = "e", data = "x" } } }));
        Assert.Equal(400, BatchStatus(new { batch = new object[] { "x" } }));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"batch\":{}}")]
    [InlineData("{\"batch\":\"x\"}")]
    public void Bad_batch_body_is_400(string body) =>
        Assert.Equal(400, Assert.Throws<ApiError>(() => TriggerRequest.ParseBatch(Encoding.UTF8.GetBytes(body), Limits)).Status);
}
