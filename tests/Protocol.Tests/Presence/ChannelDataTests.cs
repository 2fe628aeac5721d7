using System.Text;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Presence;

namespace Broadcaster.Protocol.Tests.Presence;

/// <summary>PROTOCOL.md 2.6: presence channel_data.</summary>
public class ChannelDataTests
{
    private static readonly ProtocolLimits Limits = ProtocolLimits.Default;

    private static PresenceMember Ok(string channelData)
    {
        Assert.True(ChannelData.TryParse(channelData, Limits, out var member, out var error), error);
        Assert.Equal("", error);
        return member!;
    }

    private static void Fails(string? channelData, ProtocolLimits? limits = null)
    {
        Assert.False(ChannelData.TryParse(channelData, limits ?? Limits, out var member, out var error));
        Assert.Null(member);
        Assert.False(string.IsNullOrEmpty(error));
    }

    /// <summary>A user_info JSON text of exactly <paramref name="bytes"/> UTF-8 bytes, using 2-byte characters.</summary>
    private static string UserInfoOfBytes(int bytes)
    {
        var filler = bytes - "{\"a\":\"\"}".Length;
        var text = "{\"a\":\"" + new string('é', filler / 2) + new string('x', filler % 2) + "\"}";
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(text));
        return text;
    }

    [Fact]
    public void Numeric_user_id_becomes_string()
    {
        Assert.Equal("10", Ok("{\"user_id\":10}").UserId);
        Assert.Equal(Ok("{\"user_id\":\"10\"}").UserId, Ok("{\"user_id\":10}").UserId);
    }

    [Fact]
    public void String_user_id_is_kept()
    {
        var m = Ok("{\"user_id\":\"u-7\",\"user_info\":{\"name\":\"Zoë\"}}");
        Assert.Equal("u-7", m.UserId);
        Assert.Equal("{\"name\":\"Zoë\"}", m.UserInfoJson);
    }

    [Fact]
    public void User_info_raw_text_is_kept()
    {
        const string info = "{ \"name\" : \"Zo\\u00eb\", \"url\":\"a\\/b\" }";
        Assert.Equal(info, Ok("{\"user_id\":\"1\",\"user_info\":" + info + "}").UserInfoJson);
    }

    [Fact]
    public void User_info_absent_gives_empty_object() => Assert.Equal("{}", Ok("{\"user_id\":\"1\"}").UserInfoJson);

    [Theory]
    [InlineData("{\"user_info\":{}}")]
    [InlineData("{}")]
    [InlineData("{\"user_id\":\"\"}")]
    [InlineData("{\"user_id\":null}")]
    [InlineData("{\"user_id\":true}")]
    [InlineData("{\"user_id\":{}}")]
    [InlineData("{\"user_id\":[\"1\"]}")]
    [InlineData("[{\"user_id\":\"1\"}]")]
    [InlineData("\"{\\\"user_id\\\":\\\"1\\\"}\"")]
    [InlineData("not json")]
    [InlineData("{\"user_id\":\"1\"")]
    [InlineData("")]
    [InlineData(null)]
    public void Missing_or_invalid_user_id_fails(string? channelData) => Fails(channelData);

    [Fact]
    public void User_info_1024_bytes_ok_1025_rejected()
    {
        Assert.Equal(UserInfoOfBytes(1024), Ok("{\"user_id\":\"1\",\"user_info\":" + UserInfoOfBytes(1024) + "}").UserInfoJson);
        Fails("{\"user_id\":\"1\",\"user_info\":" + UserInfoOfBytes(1025) + "}");
        var ascii = "{\"a\":\"" + new string('x', 1024 - 8) + "\"}";
        Ok("{\"user_id\":\"1\",\"user_info\":" + ascii + "}");
        Fails("{\"user_id\":\"1\",\"user_info\":" + ascii.Replace("\"a\"", "\"ab\"") + "}");
    }

    [Fact]
    public void Oversized_user_info_is_a_limit_and_anything_else_an_auth_error()
    {
        Assert.False(ChannelData.TryParse("{\"user_id\":\"1\",\"user_info\":" + UserInfoOfBytes(1025) + "}", Limits, out _, out _, out var type));
        Assert.Equal("LimitReached", type);
        Assert.False(ChannelData.TryParse("{\"user_id\":\"" + new string('a', 129) + "\"}", Limits, out _, out _, out type));
        Assert.Equal("AuthError", type);
        Assert.False(ChannelData.TryParse("not json", Limits, out _, out _, out type));
        Assert.Equal("AuthError", type);
    }

    [Fact]
    public void User_info_limit_is_configurable()
    {
        Fails("{\"user_id\":\"1\",\"user_info\":" + UserInfoOfBytes(100) + "}", Limits with { MaxUserInfoBytes = 99 });
        Assert.True(ChannelData.TryParse("{\"user_id\":\"1\",\"user_info\":" + UserInfoOfBytes(100) + "}", Limits with { MaxUserInfoBytes = 100 }, out _, out _));
    }

    [Fact]
    public void User_id_128_ok_129_rejected()
    {
        Assert.Equal(new string('a', 128), Ok("{\"user_id\":\"" + new string('a', 128) + "\"}").UserId);
        Fails("{\"user_id\":\"" + new string('a', 129) + "\"}");
        Fails("{\"user_id\":" + new string('1', 129) + "}");
        Assert.Equal(new string('1', 128), Ok("{\"user_id\":" + new string('1', 128) + "}").UserId);
    }

    [Fact]
    public void UserData_requires_a_non_empty_string_or_numeric_id()
    {
        Assert.True(UserData.TryParse("{\"id\":\"42\"}", out var u));
        Assert.Equal(("42", "{}"), (u!.Id, u.UserInfoJson));
        Assert.Empty(u.Watchlist);
        Assert.True(UserData.TryParse("{\"id\":\"42\",\"user_info\":{\"name\":\"Ada\"},\"watchlist\":[\"7\"]}", out u));
        Assert.Equal("{\"name\":\"Ada\"}", u!.UserInfoJson);
        // A numeric id is the user of its decimal text, as in channel_data and as other servers read it.
        Assert.True(UserData.TryParse("{\"id\":42}", out u));
        Assert.Equal("42", u!.Id);
        foreach (var bad in new[] { null, "", "{}", "{\"id\":\"\"}", "{\"id\":null}", "{\"id\":true}", "{\"id\":{}}", "[]", "nope", "{\"id\":\"1\"" })
        {
            Assert.False(UserData.TryParse(bad, out var user), bad);
            Assert.Null(user);
        }
    }

    [Fact]
    public void UserData_watchlist_reads_strings_and_numbers_once_each()
    {
        Assert.True(UserData.TryParse("{\"id\":\"1\",\"watchlist\":[\"7\",8,\"7\",null,{},\"\"]}", out var u));
        Assert.Equal(["7", "8"], u!.Watchlist);
        var many = string.Join(",", Enumerable.Range(1, 150).Select(i => $"\"{i}\""));
        Assert.True(UserData.TryParse($"{{\"id\":\"1\",\"watchlist\":[{many}]}}", out u));
        Assert.Equal(150, u!.Watchlist.Count);
    }

    [Fact]
    public void Lone_surrogate_user_id_fails_without_throwing()
    {
        // BUG: JsonElement.GetString() throws InvalidOperationException for "\ud800"; only JsonException is caught.
        Fails("{\"user_id\":\"\\ud800\"}");
    }

    [Fact]
    public void UserData_lone_surrogate_id_fails_without_throwing() =>
        Assert.False(UserData.TryParse("{\"id\":\"\\ud800\"}", out _));
}
