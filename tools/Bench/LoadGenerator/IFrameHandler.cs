using Broadcaster.Bench.Framing;

namespace Broadcaster.Bench.LoadGenerator;

/// <summary>Takes the frames a <see cref="FrameAssembler"/> finds.</summary>
public interface IFrameHandler
{
    /// <summary>
    /// One frame: its whole payload, or only the start of it when the frame is larger than the buffer (the rest is
    /// skipped). Returns false to stop reading (the connection is over).
    /// </summary>
    bool OnFrame(in FrameHeader header, ReadOnlySpan<byte> payload);
}
