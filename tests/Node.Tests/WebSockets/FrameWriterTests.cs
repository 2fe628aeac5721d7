using System.Buffers;
using System.Text;
using Broadcaster.Node.WebSockets;

namespace Broadcaster.Node.Tests.WebSockets;

public sealed class FrameWriterTests
{
    [Theory]
    [InlineData(0, new byte[] { 0x81, 0x00 })]
    [InlineData(125, new byte[] { 0x81, 0x7d })]
    [InlineData(126, new byte[] { 0x81, 0x7e, 0x00, 0x7e })]
    [InlineData(65535, new byte[] { 0x81, 0x7e, 0xff, 0xff })]
    [InlineData(65536, new byte[] { 0x81, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0 })]
    public void Server_text_frames_are_unmasked_final_and_use_the_shortest_length(int length, byte[] header)
    {
        var output = new ArrayBufferWriter<byte>();
        var payload = Enumerable.Repeat((byte)'x', length).ToArray();

        FrameWriter.Write(output, FrameWriter.Text, payload);

        Assert.Equal(header, output.WrittenSpan[..header.Length].ToArray());
        Assert.True(output.WrittenSpan[header.Length..].SequenceEqual(payload));
        Assert.Equal(FrameWriter.FrameLength(length), output.WrittenCount);
    }

    [Fact]
    public void A_close_reason_is_cut_to_fit_a_control_frame_without_splitting_a_character()
    {
        var payload = FrameWriter.ClosePayload(4100, new string('ä', 100));

        Assert.True(payload.Length <= 125);
        Assert.Equal([0x10, 0x04], payload[..2]);
        Assert.Equal(new string('ä', 61), Encoding.UTF8.GetString(payload.AsSpan(2)));
    }

    [Fact]
    public void The_accept_key_is_the_one_of_the_RFC_example()
    {
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketHandshake.AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
        Assert.True(WebSocketHandshake.IsValidKey("dGhlIHNhbXBsZSBub25jZQ=="));
        Assert.False(WebSocketHandshake.IsValidKey("c2hvcnQ="));
        Assert.False(WebSocketHandshake.IsValidKey(null));
    }
}
