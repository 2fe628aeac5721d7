using System.Text;
using Broadcaster.Protocol.Frames;

namespace Broadcaster.Protocol.Tests.Frames;

/// <summary>PROTOCOL.md 1.2 (client → server frames).</summary>
public class ClientFrameParserTests
{
    private static ClientFrame Parse(string text)
    {
        Assert.True(ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(text), out var frame, out var error), error);
        Assert.NotNull(frame);
        return frame;
    }

    private static string Fail(byte[] bytes)
    {
        Assert.False(ClientFrameParser.TryParse(bytes, out var frame, out var error));
        Assert.Null(frame);
        Assert.False(string.IsNullOrEmpty(error));
        return error;
    }

    private static string Fail(string text) => Fail(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Data_as_object()
    {
        var f = Parse("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"private-a\",\"auth\":\"k:s\"}}");
        Assert.Equal("pusher:subscribe", f.Event);
        Assert.Equal(new PusherEventData("private-a", "k:s", null, null), f.Data);
        Assert.Equal("{\"channel\":\"private-a\",\"auth\":\"k:s\"}", f.RawData);
        Assert.Null(f.Channel);
        Assert.False(f.IsClientEvent);
    }

    [Fact]
    public void Data_as_double_encoded_string()
    {
        var f = Parse("{\"event\":\"pusher:subscribe\",\"data\":\"{\\\"channel\\\":\\\"presence-a\\\",\\\"auth\\\":\\\"k:s\\\",\\\"channel_data\\\":\\\"{\\\\\\\"user_id\\\\\\\":1}\\\"}\"}");
        Assert.Equal(new PusherEventData("presence-a", "k:s", "{\"user_id\":1}", null), f.Data);
    }

    [Fact]
    public void Channel_data_is_kept_as_the_exact_string()
    {
        // Escapes inside channel_data (\/ and \u00e9) must survive untouched: they are covered by the signature.
        const string channelData = "{\"user_id\":\"42\", \"user_info\":{\"name\":\"Zo\\u00e9\",\"url\":\"a\\/b\"}}";
        var frameText = "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"presence-a\",\"auth\":\"k:s\",\"channel_data\":"
                        + System.Text.Json.JsonSerializer.Serialize(channelData) + "}}";
        Assert.Equal(channelData, Parse(frameText).Data.ChannelData);

        var doubleEncoded = "{\"event\":\"pusher:subscribe\",\"data\":" + System.Text.Json.JsonSerializer.Serialize(
            "{\"channel\":\"presence-a\",\"channel_data\":" + System.Text.Json.JsonSerializer.Serialize(channelData) + "}") + "}";
        Assert.Equal(channelData, Parse(doubleEncoded).Data.ChannelData);
    }

    [Fact]
    public void User_data_is_kept_as_the_exact_string()
    {
        const string userData = "{\"id\":\"42\",\"user_info\":{\"n\":\"\\u00e9\"}}";
        var f = Parse("{\"event\":\"pusher:signin\",\"data\":{\"auth\":\"k:s\",\"user_data\":" + System.Text.Json.JsonSerializer.Serialize(userData) + "}}");
        Assert.Equal(userData, f.Data.UserData);
        Assert.Equal("k:s", f.Data.Auth);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"event\":\"pusher:ping\"")]
    [InlineData("{\"event\":pusher:ping}")]
    [InlineData("{'event':'pusher:ping'}")]
    [InlineData("{\"event\":\"pusher:ping\"} x")]
    [InlineData("not json")]
    public void Bad_json_fails(string text) => Fail(text);

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"event\":\"pusher:ping\"}]")]
    [InlineData("\"pusher:ping\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public void Non_object_fails(string text) => Fail(text);

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"data\":{}}")]
    [InlineData("{\"event\":\"\"}")]
    [InlineData("{\"event\":null}")]
    [InlineData("{\"event\":42}")]
    [InlineData("{\"event\":{\"name\":\"x\"}}")]
    [InlineData("{\"Event\":\"pusher:ping\"}")]
    public void Missing_or_invalid_event_fails(string text) => Fail(text);

    [Fact]
    public void Too_deep_nesting_fails_without_throwing()
    {
        var deep = "{\"event\":\"client-x\",\"data\":" + new string('[', 100) + new string(']', 100) + "}";
        Fail(deep);
    }

    [Fact]
    public void Ping_without_data()
    {
        var f = Parse("{\"event\":\"pusher:ping\"}");
        Assert.Null(f.RawData);
        Assert.Same(PusherEventData.Empty, f.Data);
    }

    [Theory]
    [InlineData("{\"event\":\"pusher:subscribe\",\"data\":\"not json\"}")]
    [InlineData("{\"event\":\"pusher:subscribe\",\"data\":\"[1]\"}")]
    [InlineData("{\"event\":\"pusher:subscribe\",\"data\":42}")]
    [InlineData("{\"event\":\"pusher:subscribe\",\"data\":null}")]
    [InlineData("{\"event\":\"pusher:subscribe\",\"data\":[\"a\"]}")]
    public void Unusable_pusher_data_gives_empty_data(string text) => Assert.Equal(PusherEventData.Empty, Parse(text).Data);

    [Fact]
    public void Non_string_fields_are_ignored_and_unknown_fields_tolerated()
    {
        var f = Parse("{\"x\":1,\"event\":\"pusher:subscribe\",\"data\":{\"channel\":5,\"auth\":null,\"channel_data\":{\"user_id\":1},\"other\":true}}");
        Assert.Equal(PusherEventData.Empty, f.Data);
    }

    [Fact]
    public void Client_event_object_raw_data_is_exact()
    {
        const string raw = "{ \"typing\" : true, \"s\":\"\\u00e9\\/\", \"n\":1.50 }";
        var f = Parse("{\"event\":\"client-typing\",\"channel\":\"presence-room.1\",\"data\":" + raw + ",\"extra\":1}");
        Assert.True(f.IsClientEvent);
        Assert.Equal("client-typing", f.Event);
        Assert.Equal("presence-room.1", f.Channel);
        Assert.Equal(raw, f.RawData);
        Assert.Same(PusherEventData.Empty, f.Data);
    }

    [Theory]
    [InlineData("\"hello\"")]
    [InlineData("\"{\\\"typing\\\":true}\"")]
    [InlineData("\"\\u2028 \\ud83d\\ude00\"")]
    [InlineData("[1,2,3]")]
    [InlineData("123")]
    [InlineData("null")]
    [InlineData("false")]
    public void Client_event_other_raw_data_is_exact(string raw)
    {
        var f = Parse("{\"event\":\"client-x\",\"channel\":\"private-a\",\"data\":" + raw + "}");
        Assert.Equal(raw, f.RawData);
    }

    [Fact]
    public void Channel_non_string_is_null() =>
        Assert.Null(Parse("{\"event\":\"client-x\",\"channel\":1,\"data\":{}}").Channel);

    [Fact]
    public void Invalid_utf8_fails_without_throwing()
    {
        // BUG: System.Text.Json throws InvalidOperationException (not JsonException) from GetString() on
        // invalid UTF-8 inside a string, and TryParse only catches JsonException.
        var bytes = Encoding.UTF8.GetBytes("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"X\"}}");
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xFF;
        Fail(bytes);
    }

    [Fact]
    public void Invalid_utf8_in_event_fails_without_throwing()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"event\":\"X\"}");
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xC3;
        Fail(bytes);
    }

    [Fact]
    public void Lone_surrogate_escape_fails_without_throwing() =>
        Fail("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"\\ud800\"}}");
}
