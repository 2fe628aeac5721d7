using System.Text;

namespace Broadcaster.Node.Tests.WebSockets.Transport;

/// <summary>Client-to-server Pusher messages as the raw tests send them inside their frames.</summary>
public static class PusherMessages
{
    public const string Ping = """{"event":"pusher:ping","data":{}}""";

    private const string PaddedPingPrefix = "{\"event\":\"pusher:ping\",\"data\":{\"pad\":\"";
    private const string PaddedPingSuffix = "\"}}";

    /// <summary>A <c>pusher:ping</c> of exactly <paramref name="length"/> UTF-8 bytes, padded inside its data.</summary>
    public static byte[] PingOfLength(int length)
    {
        var text = PaddedPingPrefix + new string('x', length - PaddedPingPrefix.Length - PaddedPingSuffix.Length) + PaddedPingSuffix;
        var bytes = Encoding.UTF8.GetBytes(text);
        Assert.Equal(length, bytes.Length);
        return bytes;
    }

    public static string Subscribe(string channel, string auth = "") =>
        $$$"""{"event":"pusher:subscribe","data":{"channel":"{{{channel}}}","auth":"{{{auth}}}"}}""";

    public static async Task ExpectSubscribedAsync(this RawWebSocket socket, string channel)
    {
        var frame = await socket.ExpectPusherAsync("pusher_internal:subscription_succeeded");
        Assert.Equal(channel, frame.Channel);
    }
}
