using System.Text;
using Broadcaster.Bench.Framing;
using Broadcaster.Bench.LoadGenerator;

namespace Broadcaster.Bench.Tests.LoadGenerator;

public class FrameAssemblerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(4096)]
    public void Frames_arriving_in_pieces_of_any_size_come_out_whole_and_in_order(int piece)
    {
        var stream = Concat(Text("one"), Text(new string('x', 300)), Frame(FrameHeader.Ping, "p"u8), Text("three"));
        var assembler = new FrameAssembler(512);
        var seen = new Recorder();

        for (var at = 0; at < stream.Length; at += piece) Feed(assembler, stream.AsSpan(at, Math.Min(piece, stream.Length - at)), seen);

        Assert.Equal(["1:one", $"1:{new string('x', 300)}", "9:p", "1:three"], seen.Frames);
        Assert.Equal(0, assembler.Filled);
    }

    [Fact]
    public void A_frame_larger_than_the_buffer_is_handed_out_as_far_as_it_fits_and_the_rest_skipped()
    {
        var big = Text("{\"event\":\"start\"" + new string('y', 1000));
        var stream = Concat(big, Text("after"));
        var assembler = new FrameAssembler(64);
        var seen = new Recorder();

        for (var at = 0; at < stream.Length; at += 50) Feed(assembler, stream.AsSpan(at, Math.Min(50, stream.Length - at)), seen);

        Assert.Equal(2, seen.Frames.Count);
        Assert.StartsWith("1:{\"event\":\"start\"", seen.Frames[0]);
        Assert.Equal("1:".Length + 64 - 4, seen.Frames[0].Length);
        Assert.Equal("1:after", seen.Frames[1]);
    }

    [Fact]
    public void Reading_stops_when_the_handler_says_so_and_keeps_the_rest()
    {
        var assembler = new FrameAssembler(256);
        var stream = Concat(Text("a"), Text("b"));
        var seen = new Recorder { StopAfter = 1 };

        Feed(assembler, stream, seen);

        Assert.Equal(["1:a"], seen.Frames);
        Assert.Equal(Text("b").Length, assembler.Filled);
    }

    [Fact]
    public void Discard_drops_bytes_before_the_first_frame()
    {
        var assembler = new FrameAssembler(256);
        var head = "HTTP/1.1 101 Switching Protocols\r\n\r\n"u8.ToArray();
        var seen = new Recorder();
        var stream = Concat(head, Text("hi"));
        stream.CopyTo(assembler.Buffer, 0);
        assembler.Received(stream.Length);

        assembler.Discard(head.Length);
        assembler.Read(seen);

        Assert.Equal(["1:hi"], seen.Frames);
    }

    private static void Feed(FrameAssembler assembler, ReadOnlySpan<byte> bytes, IFrameHandler handler)
    {
        while (bytes.Length > 0)
        {
            var n = Math.Min(bytes.Length, assembler.Free);
            bytes[..n].CopyTo(assembler.Buffer.AsSpan(assembler.Filled));
            assembler.Received(n);
            bytes = bytes[n..];
            assembler.Read(handler);
        }
    }

    private static byte[] Text(string text) => Frame(FrameHeader.Text, Encoding.UTF8.GetBytes(text));

    private static byte[] Frame(byte opcode, ReadOnlySpan<byte> payload) => FrameWriter.ServerFrame(opcode, payload);

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private sealed class Recorder : IFrameHandler
    {
        public List<string> Frames { get; } = [];
        public int StopAfter { get; init; } = int.MaxValue;

        public bool OnFrame(in FrameHeader header, ReadOnlySpan<byte> payload)
        {
            Frames.Add($"{header.Opcode}:{Encoding.UTF8.GetString(payload)}");
            return Frames.Count < StopAfter;
        }
    }
}
