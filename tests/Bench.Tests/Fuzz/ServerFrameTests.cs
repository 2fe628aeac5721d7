using System.Text;
using Broadcaster.Bench.Fuzz;
using Broadcaster.Fuzzing;

namespace Broadcaster.Bench.Tests.Fuzz;

public class ServerFrameTests
{
    private static byte[] ServerText(string json) => FrameBytes.Encode(ServerFrameRules.Text, Encoding.UTF8.GetBytes(json), mask: false);

    [Fact]
    public void A_whole_frame_is_read_with_what_it_took_and_an_incomplete_one_waits()
    {
        var bytes = ServerText("""{"event":"pusher:pong","data":{}}""").Concat(new byte[] { 0x81, 0x05, (byte)'{' }).ToArray();

        Assert.True(ServerFrame.TryRead(bytes, out var frame, out var consumed));
        Assert.Equal(bytes.Length - 3, consumed);
        Assert.Null(frame!.Violation);
        Assert.False(ServerFrame.TryRead(bytes.AsSpan(consumed), out _, out _));
        Assert.False(ServerFrame.TryRead(bytes.AsSpan(0, 1), out _, out _));
    }

    [Fact]
    public void What_a_server_may_not_send_is_kept_and_named()
    {
        var masked = FrameBytes.Encode(ServerFrameRules.Text, """{"event":"x"}"""u8, mask: true);
        Assert.True(ServerFrame.TryRead(masked, out var frame, out _));
        Assert.Equal("""{"event":"x"}""", Encoding.UTF8.GetString(frame!.Payload));
        Assert.Contains("masked", frame.Violation);

        Assert.True(ServerFrame.TryRead(FrameBytes.Encode(ServerFrameRules.Text, """{"event":"x"}"""u8, mask: false, rsv: 4), out frame, out _));
        Assert.Contains("reserved bits", frame!.Violation);

        Assert.True(ServerFrame.TryRead(FrameBytes.Encode(ServerFrameRules.Ping, new byte[126], mask: false), out frame, out _));
        Assert.Contains("126 bytes", frame!.Violation);

        Assert.True(ServerFrame.TryRead(ServerText("""{"event":"pusher:error","data":{"code":1006}}"""), out frame, out _));
        Assert.Contains("4000-4999", frame!.Violation);

        Assert.True(ServerFrame.TryRead(FrameBytes.Encode(ServerFrameRules.Close, [0x03, 0xED], mask: false), out frame, out _));
        Assert.Contains("close code 1005", frame!.Violation);
    }

    [Fact]
    public void A_length_no_server_would_send_is_a_broken_frame_not_a_wait()
    {
        byte[] header = [0x81, 127, 0, 0, 1, 0, 0, 0, 0, 0];
        Assert.Throws<InvalidDataException>(() => ServerFrame.TryRead(header, out _, out _));
    }
}
