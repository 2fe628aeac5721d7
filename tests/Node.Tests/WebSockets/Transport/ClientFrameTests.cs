using System.Text;

namespace Broadcaster.Node.Tests.WebSockets.Transport;

/// <summary>RFC 6455 5.2-5.5: well-formed client frames, however they are cut into TCP writes, become the right Pusher messages.</summary>
public class ClientFrameTests(TransportFixture fixture) : IClassFixture<TransportFixture>
{
    private Task<RawWebSocket> ConnectAsync() => RawWebSocket.ConnectPusherAsync(fixture.Server.Port);

    [Theory]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(127)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(65537)]
    [InlineData(TransportFixture.MaxMessageBytes)]
    public async Task Masked_text_frame_of_every_length_encoding_is_one_pusher_message(int length)
    {
        // 125 is the longest 7-bit length, 126..65535 take 16 bits, 65536 and above 64 bits.
        await using var socket = await ConnectAsync();
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Text, PusherMessages.PingOfLength(length)));
        await socket.ExpectPusherAsync("pusher:pong");
        await socket.PingPongAsync();
    }

    [Fact]
    public async Task Empty_text_frame_is_ignored_or_answered_with_an_error_and_the_connection_stays_open()
    {
        // PROTOCOL.md 1.5: an unparseable message may be ignored or get a pusher:error, never a close.
        await using var socket = await ConnectAsync();
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Text, []));
        await socket.SendTextAsync(PusherMessages.Ping);
        var next = await socket.ReadPusherAsync();
        if (next.Event == "pusher:error") next = await socket.ReadPusherAsync();
        Assert.Equal("pusher:pong", next.Event);
        await socket.PingPongAsync();
    }

    [Fact]
    public async Task Frame_cut_at_every_byte_boundary_is_one_pusher_message()
    {
        await using var socket = await ConnectAsync();
        var length = RawFrame.Encode(RawFrame.Text, PusherMessages.PingOfLength(60)).Length;
        for (var cut = 1; cut < length; cut++)
        {
            await socket.WriteSplitAsync(RawFrame.Encode(RawFrame.Text, PusherMessages.PingOfLength(60)), cut);
            await socket.ExpectPusherAsync("pusher:pong");
        }
    }

    [Fact]
    public async Task Frame_written_one_byte_at_a_time_is_one_pusher_message()
    {
        await using var socket = await ConnectAsync();
        await socket.WriteBytewiseAsync(RawFrame.Encode(RawFrame.Text, PusherMessages.PingOfLength(60)));
        await socket.ExpectPusherAsync("pusher:pong");
        await socket.PingPongAsync();
    }

    [Theory]
    [InlineData(300, 8)]
    [InlineData(70_000, 14)]
    public async Task Extended_length_header_cut_at_every_byte_is_read_whole(int length, int headerBytes)
    {
        await using var socket = await ConnectAsync();
        for (var cut = 1; cut <= headerBytes; cut++)
        {
            await socket.WriteSplitAsync(RawFrame.Encode(RawFrame.Text, PusherMessages.PingOfLength(length)), cut);
            await socket.ExpectPusherAsync("pusher:pong");
        }
    }

    [Fact]
    public async Task Several_frames_in_one_write_are_all_handled_in_order()
    {
        // Client events from one sender reach a subscriber in the order sent, so the receiver sees the transport's order.
        const string channel = "private-transport-order";
        await using var receiver = await fixture.Server.ConnectAsync();
        await receiver.SubscribeAsync(channel);
        await using var socket = await ConnectAsync();
        await socket.SendTextAsync(PusherMessages.Subscribe(channel, receiver.Auth(channel, socketId: socket.SocketId)));
        await socket.ExpectSubscribedAsync(channel);

        string ClientEvent(int n) => $$$"""{"event":"client-order","channel":"{{{channel}}}","data":{"n":{{{n}}}}}""";
        var second = Encoding.UTF8.GetBytes(ClientEvent(2));
        var write = new MemoryStream();
        write.Write(RawFrame.Encode(RawFrame.Text, ClientEvent(1)));
        write.Write(RawFrame.Encode(RawFrame.Ping, "between"));
        write.Write(RawFrame.Encode(RawFrame.Text, second.AsSpan(0, 20), fin: false));
        write.Write(RawFrame.Encode(RawFrame.Pong, []));
        write.Write(RawFrame.Encode(RawFrame.Continuation, second.AsSpan(20)));
        write.Write(RawFrame.Encode(RawFrame.Text, PusherMessages.Ping));
        write.Write(RawFrame.Encode(RawFrame.Text, ClientEvent(3)));
        await socket.WriteAsync(write.ToArray());

        for (var n = 1; n <= 3; n++) Assert.Equal(n, (await receiver.ExpectAsync("client-order")).Data.GetProperty("n").GetInt32());
        // The sender's own answers: the pong to its ping frame and the pusher:pong, in whichever order they were made.
        var answers = new[] { await socket.ReadFrameAsync(), await socket.ReadFrameAsync() };
        Assert.Equal("between", Assert.Single(answers, f => f.Opcode == RawFrame.Pong).PayloadText);
        Assert.Equal("pusher:pong", new Frame(Assert.Single(answers, f => f.Opcode == RawFrame.Text).PayloadText).Event);
    }

    [Fact]
    public async Task Fragmented_text_message_is_reassembled_into_one_pusher_message()
    {
        await using var socket = await ConnectAsync();
        // The channel name spans the last two fragments: only the reassembled message names it.
        var message = Encoding.UTF8.GetBytes(PusherMessages.Subscribe("transport-fragmented"));
        var cut = Array.IndexOf(message, (byte)'-') + 3;
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Text, message.AsSpan(0, 10), fin: false));
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Continuation, message.AsSpan(10, cut - 10), fin: false));
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Continuation, message.AsSpan(cut)));
        await socket.ExpectSubscribedAsync("transport-fragmented");
        await socket.PingPongAsync();
    }

    [Fact]
    public async Task Empty_fragments_are_part_of_the_message()
    {
        await using var socket = await ConnectAsync();
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Text, [], fin: false));
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Continuation, PusherMessages.Subscribe("transport-empty-fragments"), fin: false));
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Continuation, []));
        await socket.ExpectSubscribedAsync("transport-empty-fragments");
    }

    [Fact]
    public async Task Ping_and_pong_between_fragments_are_handled_and_the_message_still_reassembled()
    {
        await using var socket = await ConnectAsync();
        var message = Encoding.UTF8.GetBytes(PusherMessages.Subscribe("transport-interleaved"));
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Text, message.AsSpan(0, 15), fin: false));
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Ping, "in the middle"));
        // The ping is answered while the message is still open, not once it is complete.
        var pong = await socket.ReadFrameAsync();
        Assert.True(pong is { Opcode: RawFrame.Pong, Fin: true, Masked: false, Rsv: 0 }, $"Expected a pong but got {pong}");
        Assert.Equal("in the middle", pong.PayloadText);

        await socket.WriteAsync(RawFrame.Encode(RawFrame.Pong, "unsolicited"));
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Continuation, message.AsSpan(15, 20), fin: false));
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Ping, []));
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Continuation, message.AsSpan(35)));
        var frames = new[] { await socket.ReadFrameAsync(), await socket.ReadFrameAsync() };
        var emptyPong = Assert.Single(frames, f => f.Opcode == RawFrame.Pong);
        Assert.Empty(emptyPong.Payload);
        var subscribed = new Frame(Assert.Single(frames, f => f.Opcode == RawFrame.Text).PayloadText);
        Assert.Equal("pusher_internal:subscription_succeeded", subscribed.Event);
        Assert.Equal("transport-interleaved", subscribed.Channel);
        await socket.PingPongAsync();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(125)]
    public async Task Ping_is_answered_with_a_pong_carrying_the_same_payload(int length)
    {
        await using var socket = await ConnectAsync();
        var payload = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Ping, payload));
        var pong = await socket.ReadFrameAsync();
        Assert.True(pong is { Opcode: RawFrame.Pong, Fin: true, Masked: false, Rsv: 0 }, $"Expected a pong but got {pong}");
        Assert.Equal(payload, pong.Payload);
        await socket.PingPongAsync();
    }
}
