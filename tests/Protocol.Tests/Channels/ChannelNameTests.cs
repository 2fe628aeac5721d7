using Broadcaster.Protocol.Channels;

namespace Broadcaster.Protocol.Tests.Channels;

/// <summary>PROTOCOL.md 2.1 and 2.2.</summary>
public class ChannelNameTests
{
    private const int Max = 200;

    [Theory]
    [InlineData('_')]
    [InlineData('-')]
    [InlineData('=')]
    [InlineData('@')]
    [InlineData(',')]
    [InlineData('.')]
    [InlineData(';')]
    public void Every_allowed_punctuation_is_valid(char c)
    {
        Assert.True(ChannelName.IsValid($"a{c}b", Max));
        Assert.True(ChannelName.IsValid($"private-x{c}", Max));
        Assert.True(ChannelName.IsValid(c.ToString(), Max));
    }

    [Fact]
    public void Letters_and_digits_are_valid()
    {
        Assert.True(ChannelName.IsValid("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", Max));
        Assert.True(ChannelName.IsValid("private-azAZ9_=@,.;", Max));
        Assert.True(ChannelName.IsValid("presence-room.1", Max));
    }

    [Theory]
    [InlineData("private-a:b")]
    [InlineData(":")]
    [InlineData("presence-room:1")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("#foo")]
    [InlineData("a!b")]
    [InlineData("a*b")]
    [InlineData("a+b")]
    [InlineData("a?b")]
    [InlineData("a%b")]
    [InlineData("a&b")]
    [InlineData("a$b")]
    [InlineData("a'b")]
    [InlineData("a\"b")]
    [InlineData("a<b")]
    [InlineData("a|b")]
    [InlineData("a~b")]
    [InlineData("a[b")]
    [InlineData("a{b")]
    [InlineData("a\tb")]
    [InlineData("a\nb")]
    [InlineData("a\0b")]
    [InlineData("caf\u00e9")]
    [InlineData("\uff21")]
    [InlineData("\u0663")]
    [InlineData("a\u200bb")]
    public void Other_characters_are_rejected(string name)
    {
        Assert.False(ChannelName.IsValid(name, Max));
        Assert.False(ChannelName.IsValid(name, Max, allowServerToUser: true));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Empty_is_rejected(string? name) => Assert.False(ChannelName.IsValid(name, Max, allowServerToUser: true));

    [Fact]
    public void Length_200_ok_201_rejected()
    {
        Assert.True(ChannelName.IsValid(new string('a', 200), Max));
        Assert.False(ChannelName.IsValid(new string('a', 201), Max));
        Assert.True(ChannelName.IsValid("private-" + new string('a', 192), Max));
        Assert.False(ChannelName.IsValid("private-" + new string('a', 193), Max));
        Assert.True(ChannelName.IsValid(new string('a', 164), 164));
        Assert.False(ChannelName.IsValid(new string('a', 165), 164));
    }

    [Fact]
    public void Server_to_user_only_when_allowed()
    {
        Assert.True(ChannelName.IsValid("#server-to-user-x", Max, allowServerToUser: true));
        Assert.True(ChannelName.IsValid("#server-to-user-42", Max, allowServerToUser: true));
        Assert.True(ChannelName.IsValid("#server-to-user-a.b@c", Max, allowServerToUser: true));
        Assert.False(ChannelName.IsValid("#server-to-user-x", Max));
        Assert.False(ChannelName.IsValid("#server-to-user-x", Max, allowServerToUser: false));
        Assert.False(ChannelName.IsValid("#server-to-user-", Max, allowServerToUser: true));
        Assert.False(ChannelName.IsValid("#server-to-user-a:b", Max, allowServerToUser: true));
        Assert.False(ChannelName.IsValid("#server-to-user-a#b", Max, allowServerToUser: true));
        Assert.False(ChannelName.IsValid("##server-to-user-x", Max, allowServerToUser: true));
        Assert.False(ChannelName.IsValid("#Server-to-user-x", Max, allowServerToUser: true));
        Assert.False(ChannelName.IsValid("#other-x", Max, allowServerToUser: true));
        Assert.False(ChannelName.IsValid("x#server-to-user-x", Max, allowServerToUser: true));
    }

    [Fact]
    public void Server_to_user_length_counts_the_hash()
    {
        var name = "#server-to-user-" + new string('1', 200 - 16);
        Assert.Equal(200, name.Length);
        Assert.True(ChannelName.IsValid(name, Max, allowServerToUser: true));
        Assert.False(ChannelName.IsValid(name + "1", Max, allowServerToUser: true));
    }

    [Theory]
    [InlineData("private-encrypted-cache-x", ChannelType.PrivateEncrypted)]
    [InlineData("private-encrypted-x", ChannelType.PrivateEncrypted)]
    [InlineData("private-encrypted-", ChannelType.PrivateEncrypted)]
    [InlineData("private-encryptedx", ChannelType.Private)]
    [InlineData("private-cache-x", ChannelType.Private)]
    [InlineData("private-x", ChannelType.Private)]
    [InlineData("presence-cache-x", ChannelType.Presence)]
    [InlineData("presence-x", ChannelType.Presence)]
    [InlineData("cache-x", ChannelType.Public)]
    [InlineData("#server-to-user-1", ChannelType.ServerToUser)]
    [InlineData("orders", ChannelType.Public)]
    [InlineData("privatex", ChannelType.Public)]
    [InlineData("private", ChannelType.Public)]
    [InlineData("presencex", ChannelType.Public)]
    [InlineData("Private-x", ChannelType.Public)]
    [InlineData("PRESENCE-x", ChannelType.Public)]
    [InlineData("x-private-y", ChannelType.Public)]
    public void TypeOf_uses_prefixes_in_order(string name, ChannelType expected) =>
        Assert.Equal(expected, ChannelName.TypeOf(name));

    [Theory]
    [InlineData(ChannelType.Public, false, false)]
    [InlineData(ChannelType.Private, true, true)]
    [InlineData(ChannelType.Presence, true, true)]
    [InlineData(ChannelType.PrivateEncrypted, true, false)]
    [InlineData(ChannelType.ServerToUser, false, false)]
    public void Auth_and_client_events_by_type(ChannelType type, bool auth, bool clientEvents)
    {
        Assert.Equal(auth, ChannelName.RequiresAuth(type));
        Assert.Equal(clientEvents, ChannelName.AllowsClientEvents(type));
    }

    [Theory]
    [InlineData("private-encrypted-cache-x", true, false)]
    [InlineData("private-encrypted-x", true, false)]
    [InlineData("private-cache-x", true, true)]
    [InlineData("private-x", true, true)]
    [InlineData("presence-cache-x", true, true)]
    [InlineData("presence-x", true, true)]
    [InlineData("cache-x", false, false)]
    [InlineData("#server-to-user-1", false, false)]
    [InlineData("orders", false, false)]
    public void Spec_table_2_2(string name, bool auth, bool clientEvents)
    {
        var type = ChannelName.TypeOf(name);
        Assert.Equal(auth, ChannelName.RequiresAuth(type));
        Assert.Equal(clientEvents, ChannelName.AllowsClientEvents(type));
    }

    [Theory]
    [InlineData("private-encrypted-cache-x", true)]
    [InlineData("private-encrypted-x", false)]
    [InlineData("private-cache-x", true)]
    [InlineData("private-x", false)]
    [InlineData("presence-cache-x", true)]
    [InlineData("presence-x", false)]
    [InlineData("cache-x", true)]
    [InlineData("#server-to-user-1", false)]
    [InlineData("orders", false)]
    [InlineData("cachex", false)]
    [InlineData("x-cache-y", false)]
    [InlineData("Cache-x", false)]
    public void IsCache(string name, bool expected) => Assert.Equal(expected, ChannelName.IsCache(name));
}
