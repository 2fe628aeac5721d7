using System.Text;

namespace Broadcaster.Node.Tests.WebSockets.Transport;

/// <summary>
/// RFC 6455 5.1-5.5 and 7.4.1: frames a server must fail the connection for with 1002 (protocol error), without handing
/// anything of them to the Pusher layer.
/// </summary>
public class ProtocolErrorTests(TransportFixture fixture) : IClassFixture<TransportFixture>
{
    private const int ProtocolError = 1002;

    private Task<RawWebSocket> ConnectAsync() => RawWebSocket.ConnectPusherAsync(fixture.Server.Port);

    private async Task AssertFailsAsync(params byte[][] frames)
    {
        await using var socket = await ConnectAsync();
        foreach (var frame in frames) await socket.WriteAsync(frame);
        await socket.ExpectFailedWithAsync(ProtocolError);
        // The node itself is unaffected.
        await using var next = await ConnectAsync();
        await next.PingPongAsync();
    }

    [Theory]
    [InlineData(RawFrame.Text)]
    [InlineData(RawFrame.Ping)]
    public async Task Unmasked_client_frame_fails_with_1002(int opcode)
    {
        var payload = opcode == RawFrame.Text ? PusherMessages.Ping : "ping";
        await AssertFailsAsync(RawFrame.Encode(opcode, payload, mask: false));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("abc")]
    public async Task Unmasked_frame_shorter_than_a_mask_fails_with_1002(string payload)
    {
        // The mask bit is in the second byte: nothing after it is needed to know the frame is bad.
        await AssertFailsAsync(RawFrame.Encode(RawFrame.Text, payload, mask: false));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(2)]
    [InlineData(1)]
    [InlineData(7)]
    public async Task Reserved_bits_without_a_negotiated_extension_fail_with_1002(int rsv)
    {
        // 4 is RSV1 (permessage-deflate's bit, never negotiated here), 2 is RSV2, 1 is RSV3.
        await AssertFailsAsync(RawFrame.Encode(RawFrame.Text, Encoding.UTF8.GetBytes(PusherMessages.Ping), rsv: rsv));
    }

    [Theory]
    [InlineData(0x3)]
    [InlineData(0x7)]
    [InlineData(0xB)]
    [InlineData(0xF)]
    public async Task Reserved_opcode_fails_with_1002(int opcode)
    {
        await AssertFailsAsync(RawFrame.Encode(opcode, "{}"));
    }

    [Fact]
    public async Task Continuation_without_a_started_message_fails_with_1002()
    {
        await AssertFailsAsync(RawFrame.Encode(RawFrame.Continuation, PusherMessages.Ping));
    }

    [Theory]
    [InlineData(RawFrame.Text)]
    [InlineData(RawFrame.Binary)]
    public async Task New_message_while_a_fragmented_one_is_open_fails_with_1002(int opcode)
    {
        await AssertFailsAsync(
            RawFrame.Encode(RawFrame.Text, """{"event":"pusher:""", fin: false),
            RawFrame.Encode(opcode, PusherMessages.Ping));
    }

    [Theory]
    [InlineData(RawFrame.Ping)]
    [InlineData(RawFrame.Pong)]
    [InlineData(RawFrame.Close)]
    public async Task Control_frame_with_more_than_125_bytes_fails_with_1002(int opcode)
    {
        var payload = opcode == RawFrame.Close ? RawFrame.ClosePayload(1000, new string('r', 124)) : new byte[126];
        Assert.Equal(126, payload.Length);
        await AssertFailsAsync(RawFrame.Encode(opcode, payload));
    }

    [Theory]
    [InlineData(RawFrame.Ping)]
    [InlineData(RawFrame.Pong)]
    [InlineData(RawFrame.Close)]
    public async Task Fragmented_control_frame_fails_with_1002(int opcode)
    {
        var payload = opcode == RawFrame.Close ? RawFrame.ClosePayload(1000) : [1, 2, 3];
        await AssertFailsAsync(RawFrame.Encode(opcode, payload, fin: false));
    }
}
