using System.Net.Sockets;
using System.Text;

namespace Broadcaster.Node.Tests.WebSockets.Transport;

/// <summary>
/// What a message may contain: valid UTF-8 (else 1007, RFC 6455 8.1), at most <c>server.max-message-size</c> bytes
/// (else 1009) and text only (binary: 1003), whether it comes in one frame or in fragments.
/// </summary>
public class MessageContentTests(TransportFixture fixture) : IClassFixture<TransportFixture>
{
    private const int Max = TransportFixture.MaxMessageBytes;

    /// <summary>A <c>pusher:ping</c> up to the inside of a JSON string, where the test's bytes go.</summary>
    private const string OpenString = "{\"event\":\"pusher:ping\",\"data\":{\"x\":\"";

    private Task<RawWebSocket> ConnectAsync() => RawWebSocket.ConnectPusherAsync(fixture.Server.Port);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>Writes all of <paramref name="frames"/> even if the server, having seen enough, stops reading and closes.</summary>
    private static async Task WriteTolerantAsync(RawWebSocket socket, IEnumerable<byte[]> frames)
    {
        try
        {
            foreach (var frame in frames) await socket.WriteAsync(frame);
        }
        catch (SocketException)
        {
            // The close frame may already be on its way; the assertion that follows reads it.
        }
    }

    [Theory]
    [InlineData("FF")]
    [InlineData("80")]
    [InlineData("C0AF")]
    [InlineData("EDA080")]
    [InlineData("F4908080")]
    [InlineData("E282")]
    public async Task Invalid_utf8_in_a_text_frame_fails_with_1007(string hex)
    {
        // A stray byte, a lone continuation, an overlong '/', a UTF-16 surrogate, a code point above U+10FFFF, and a
        // sequence cut off by the end of the message.
        await using var socket = await ConnectAsync();
        var payload = Concat(Bytes(OpenString), Convert.FromHexString(hex));
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Text, payload));
        await socket.ExpectFailedWithAsync(1007);
    }

    [Fact]
    public async Task Invalid_utf8_split_across_fragments_fails_with_1007()
    {
        // E2 82 is a valid start of a three-byte character; the next fragment's '(' breaks it.
        await using var socket = await ConnectAsync();
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Text, Concat(Bytes(OpenString), [0xE2, 0x82]), fin: false));
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Continuation, Bytes("""("}}""")));
        await socket.ExpectFailedWithAsync(1007);
    }

    [Fact]
    public async Task Multibyte_characters_split_across_fragments_arrive_intact()
    {
        const string channel = "private-transport-utf8";
        const string text = "€ 😀 ü";
        var server = fixture.Server;
        await using var receiver = await server.ConnectAsync();
        await receiver.SubscribeAsync(channel);
        await using var socket = await ConnectAsync();
        await socket.SendTextAsync(PusherMessages.Subscribe(channel, receiver.Auth(channel, socketId: socket.SocketId)));
        await socket.ExpectSubscribedAsync(channel);

        // A client event is relayed with its data unchanged: the receiver sees exactly what the fragments spelled.
        var message = Bytes($$$"""{"event":"client-utf8","channel":"{{{channel}}}","data":{"text":"{{{text}}}"}}""");
        var euro = message.AsSpan().IndexOf("€"u8);
        var emoji = message.AsSpan().IndexOf("😀"u8);
        int[] cuts = [euro + 1, euro + 2, emoji + 1, emoji + 3, message.Length];
        var from = 0;
        for (var i = 0; i < cuts.Length; i++)
        {
            await socket.WriteAsync(RawFrame.Encode(i == 0 ? RawFrame.Text : RawFrame.Continuation, message.AsSpan(from, cuts[i] - from), fin: i == cuts.Length - 1));
            from = cuts[i];
        }
        var relayed = await receiver.ExpectAsync("client-utf8");
        Assert.Equal(text, relayed.Data.GetProperty("text").GetString());
        await socket.PingPongAsync();
    }

    [Fact]
    public async Task Message_over_the_size_limit_fails_with_1009()
    {
        await using var socket = await ConnectAsync();
        await WriteTolerantAsync(socket, [RawFrame.Encode(RawFrame.Text, PusherMessages.PingOfLength(Max + 1))]);
        await socket.ExpectFailedWithAsync(1009);
    }

    [Fact]
    public async Task Fragmented_message_over_the_size_limit_fails_with_1009()
    {
        // Every fragment is small; only their sum is over the limit.
        await using var socket = await ConnectAsync();
        var message = PusherMessages.PingOfLength(Max + 1);
        const int fragment = 30_000;
        var frames = message.Chunk(fragment).Select((part, i) =>
            RawFrame.Encode(i == 0 ? RawFrame.Text : RawFrame.Continuation, part, fin: (i + 1) * fragment >= message.Length));
        await WriteTolerantAsync(socket, frames);
        await socket.ExpectFailedWithAsync(1009);
    }

    [Fact]
    public async Task Fragmented_message_exactly_at_the_size_limit_is_accepted()
    {
        await using var socket = await ConnectAsync();
        var message = PusherMessages.PingOfLength(Max);
        const int fragment = 30_000;
        foreach (var (part, i) in message.Chunk(fragment).Select((part, i) => (part, i)))
            await socket.WriteAsync(RawFrame.Encode(i == 0 ? RawFrame.Text : RawFrame.Continuation, part, fin: (i + 1) * fragment >= message.Length));
        await socket.ExpectPusherAsync("pusher:pong");
        await socket.PingPongAsync();
    }

    [Fact]
    public async Task Binary_frame_fails_with_1003()
    {
        await using var socket = await ConnectAsync();
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Binary, Bytes(PusherMessages.Ping)));
        await socket.ExpectFailedWithAsync(1003);
    }

    [Fact]
    public async Task Fragmented_binary_message_fails_with_1003()
    {
        await using var socket = await ConnectAsync();
        var message = Bytes(PusherMessages.Ping);
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Binary, message.AsSpan(0, 10), fin: false));
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Continuation, message.AsSpan(10)));
        await socket.ExpectFailedWithAsync(1003);
    }
}
