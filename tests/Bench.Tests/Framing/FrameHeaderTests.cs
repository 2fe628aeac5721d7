using Broadcaster.Bench.Framing;

namespace Broadcaster.Bench.Tests.Framing;

public class FrameHeaderTests
{
    [Theory]
    [InlineData(0, 2)]
    [InlineData(125, 2)]
    [InlineData(126, 4)]
    [InlineData(65535, 4)]
    [InlineData(65536, 10)]
    public void An_unmasked_frame_reads_back_with_its_length_and_header_size(int length, int headerLength)
    {
        var payload = Payload(length);
        var frame = FrameWriter.ServerFrame(FrameHeader.Text, payload);

        Assert.True(FrameHeader.TryRead(frame, out var header));
        Assert.Equal(new FrameHeader(true, FrameHeader.Text, false, length, headerLength, 0), header);
        Assert.Equal(frame.Length, header.FrameLength);
        Assert.Equal(payload, frame[headerLength..]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(300)]
    [InlineData(70_000)]
    public void A_masked_frame_carries_its_key_and_unmasks_to_the_payload(int length)
    {
        var payload = Payload(length);
        var frame = new byte[length + FrameWriter.MaxHeaderLength];
        var written = FrameWriter.Write(frame, FrameHeader.Binary, payload, 0xA1B2C3D4);

        Assert.True(FrameHeader.TryRead(frame.AsSpan(0, written), out var header));
        Assert.True(header.Masked);
        Assert.Equal(0xA1B2C3D4u, header.MaskKey);
        Assert.Equal(written, header.FrameLength);
        var body = frame.AsSpan(header.HeaderLength, length).ToArray();
        if (length >= 4) Assert.NotEqual(payload, body);
        FrameWriter.Mask(body, header.MaskKey, 0);
        Assert.Equal(payload, body);
    }

    [Fact]
    public void Unmasking_in_pieces_with_their_offsets_equals_unmasking_at_once()
    {
        var masked = Payload(11);
        var whole = masked.ToArray();
        FrameWriter.Mask(whole, 0x01020304, 0);
        var pieces = masked.ToArray();
        FrameWriter.Mask(pieces.AsSpan(0, 3), 0x01020304, 0);
        FrameWriter.Mask(pieces.AsSpan(3), 0x01020304, 3);

        Assert.Equal(whole, pieces);
    }

    [Fact]
    public void Every_prefix_shorter_than_the_header_is_incomplete()
    {
        var frame = new byte[70_000 + FrameWriter.MaxHeaderLength];
        var written = FrameWriter.Write(frame, FrameHeader.Text, Payload(70_000), 7);
        Assert.True(FrameHeader.TryRead(frame.AsSpan(0, written), out var header));

        for (var n = 0; n < header.HeaderLength; n++) Assert.False(FrameHeader.TryRead(frame.AsSpan(0, n), out _));
        Assert.True(FrameHeader.TryRead(frame.AsSpan(0, header.HeaderLength), out _));
    }

    [Fact]
    public void Close_code_and_opcode_flags_are_read()
    {
        var frame = FrameWriter.ServerFrame(FrameHeader.Close, [0x10, 0x04]);

        Assert.True(FrameHeader.TryRead(frame, out var header));
        Assert.True(header.IsControl);
        Assert.Equal(FrameHeader.Close, header.Opcode);
        Assert.Equal(4100, frame[header.HeaderLength] << 8 | frame[header.HeaderLength + 1]);
    }

    [Fact]
    public void A_fragmented_control_frame_is_refused()
    {
        byte[] frame = [FrameHeader.Ping, 0];

        Assert.Throws<InvalidDataException>(() => FrameHeader.TryRead(frame, out _));
    }

    [Fact]
    public void A_control_frame_longer_than_125_bytes_is_refused()
    {
        byte[] frame = [0x80 | FrameHeader.Ping, 126, 0, 200];

        Assert.Throws<InvalidDataException>(() => FrameHeader.TryRead(frame, out _));
    }

    [Fact]
    public void A_64_bit_length_with_its_top_bit_set_is_refused()
    {
        byte[] frame = [0x80 | FrameHeader.Binary, 127, 0x80, 0, 0, 0, 0, 0, 0, 1];

        Assert.Throws<InvalidDataException>(() => FrameHeader.TryRead(frame, out _));
    }

    private static byte[] Payload(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 3)).ToArray();
}
