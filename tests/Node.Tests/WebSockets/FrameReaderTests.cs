using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Broadcaster.Node.WebSockets;

namespace Broadcaster.Node.Tests.WebSockets;

/// <summary>The RFC 6455 reader on its own: client frames as bytes in, messages and close codes out.</summary>
public sealed class FrameReaderTests
{
    private static readonly byte[] Mask = [0x37, 0xfa, 0x21, 0x3d];

    /// <summary>A client frame: masked unless told otherwise.</summary>
    private static byte[] ClientFrame(int opcode, byte[] payload, bool fin = true, bool masked = true, int rsv = 0)
    {
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | rsv << 4 | opcode) };
        var maskBit = masked ? 0x80 : 0;
        if (payload.Length < 126) header.Add((byte)(maskBit | payload.Length));
        else if (payload.Length <= ushort.MaxValue)
        {
            header.Add((byte)(maskBit | 126));
            header.AddRange([(byte)(payload.Length >> 8), (byte)payload.Length]);
        }
        else
        {
            header.Add((byte)(maskBit | 127));
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            header.AddRange(length);
        }
        if (!masked) return [.. header, .. payload];
        return [.. header, .. Mask, .. payload.Select((b, i) => (byte)(b ^ Mask[i % 4]))];
    }

    private static byte[] Text(string s, bool fin = true, int opcode = 1) => ClientFrame(opcode, Encoding.UTF8.GetBytes(s), fin);

    private static List<ReadFrame> ReadAll(FrameReader reader, byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        var frames = new List<ReadFrame>();
        for (var frame = reader.Read(ref buffer); frame.Kind != FrameKind.NeedMore; frame = reader.Read(ref buffer))
        {
            frames.Add(frame with { Payload = frame.Payload.ToArray() });
            if (frame.Kind is FrameKind.Fail or FrameKind.Close) break;
        }
        return frames;
    }

    private static string TextOf(ReadFrame frame) => Encoding.UTF8.GetString(frame.Payload.Span);

    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(65535)]
    [InlineData(65536)]
    public void A_masked_text_frame_of_every_length_class_is_one_message(int length)
    {
        var text = new string('x', length);

        var frames = ReadAll(new FrameReader(70_000), Text(text));

        Assert.Equal(FrameKind.Text, Assert.Single(frames).Kind);
        Assert.Equal(text, TextOf(frames[0]));
    }

    [Fact]
    public void A_frame_split_at_every_byte_is_read_once_whole()
    {
        var bytes = Text("""{"event":"pusher:ping","data":{}}""");
        for (var split = 1; split < bytes.Length; split++)
        {
            var reader = new FrameReader(1024);
            var first = new ReadOnlySequence<byte>(bytes[..split]);
            Assert.Equal(FrameKind.NeedMore, reader.Read(ref first).Kind);
            Assert.Equal(0, first.Start.GetInteger());
            var whole = new ReadOnlySequence<byte>(bytes);
            Assert.Equal("""{"event":"pusher:ping","data":{}}""", TextOf(reader.Read(ref whole)));
        }
    }

    [Fact]
    public void Fragments_with_control_frames_between_them_make_one_message_and_the_pings_come_out_first()
    {
        var bytes = (byte[])[.. Text("{\"event\":\"", fin: false), .. ClientFrame(9, "p1"u8.ToArray()),
            .. Text("pusher:", fin: false, opcode: 0), .. ClientFrame(10, []), .. Text("""ping"}""", opcode: 0)];

        var frames = ReadAll(new FrameReader(1024), bytes);

        Assert.Equal([FrameKind.Ping, FrameKind.Pong, FrameKind.Text], frames.Select(f => f.Kind));
        Assert.Equal("p1", TextOf(frames[0]));
        Assert.Equal("""{"event":"pusher:ping"}""", TextOf(frames[2]));
    }

    [Fact]
    public void Several_frames_in_one_buffer_come_out_in_order()
    {
        var frames = ReadAll(new FrameReader(1024), [.. Text("a"), .. Text("b"), .. Text("c")]);

        Assert.Equal(["a", "b", "c"], frames.Select(TextOf));
    }

    public static TheoryData<string, byte[], int> Refused() => new()
    {
        { "unmasked", ClientFrame(1, "x"u8.ToArray(), masked: false), 1002 },
        { "reserved bits", ClientFrame(1, "x"u8.ToArray(), rsv: 4), 1002 },
        { "unknown opcode", ClientFrame(3, []), 1002 },
        { "continuation without a start", ClientFrame(0, "x"u8.ToArray()), 1002 },
        { "new message inside a fragmented one", [.. Text("a", fin: false), .. Text("b")], 1002 },
        { "fragmented ping", ClientFrame(9, [], fin: false), 1002 },
        { "ping over 125 bytes", ClientFrame(9, new byte[126]), 1002 },
        { "binary", ClientFrame(2, [1, 2, 3]), 1003 },
        { "invalid UTF-8", ClientFrame(1, [0xc3, 0x28]), 1007 },
        { "invalid UTF-8 across fragments", [.. ClientFrame(1, [0x61, 0xf0, 0x9f], fin: false), .. ClientFrame(0, [0x28, 0x61])], 1007 },
        { "too big", Text(new string('x', 1025)), 1009 },
        { "too big in fragments", [.. Text(new string('x', 600), fin: false), .. Text(new string('x', 600), opcode: 0)], 1009 },
        { "close with one byte", ClientFrame(8, [3]), 1002 },
        { "close with code 1005", ClientFrame(8, [0x03, 0xed]), 1002 },
        { "close with code 999", ClientFrame(8, [0x03, 0xe7]), 1002 },
        { "close with an invalid reason", ClientFrame(8, [0x03, 0xe8, 0xc3, 0x28]), 1007 },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void What_the_RFC_forbids_fails_with_its_close_code(string name, byte[] bytes, int code)
    {
        var last = ReadAll(new FrameReader(1024), bytes).Last();

        Assert.True(last.Kind == FrameKind.Fail && last.CloseCode == code, $"{name}: {last.Kind} {last.CloseCode} {last.Reason}");
    }

    [Fact]
    public void A_multi_byte_character_split_across_fragments_is_fine()
    {
        var emoji = Encoding.UTF8.GetBytes("😀");

        var frames = ReadAll(new FrameReader(1024), [.. ClientFrame(1, emoji[..2], fin: false), .. ClientFrame(0, emoji[2..])]);

        Assert.Equal("😀", TextOf(Assert.Single(frames)));
    }

    [Fact]
    public void Close_frames_carry_their_code_and_reason_or_1005_when_empty()
    {
        var withReason = ReadAll(new FrameReader(1024), ClientFrame(8, [0x0f, 0xa0, .. "bye"u8])).Single();
        var empty = ReadAll(new FrameReader(1024), ClientFrame(8, [])).Single();

        Assert.Equal((FrameKind.Close, 4000, "bye"), (withReason.Kind, withReason.CloseCode, withReason.Reason));
        Assert.Equal((FrameKind.Close, 1005), (empty.Kind, empty.CloseCode));
    }
}
