using System.IO.Pipelines;

namespace Broadcaster.Node.WebSockets;

/// <summary>The upgraded stream of a WebSocket that Kestrel's HTTP layer accepted, as the pipes the framing runs on.</summary>
public sealed class StreamDuplexPipe(Stream stream) : IDuplexPipe
{
    public PipeReader Input { get; } = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));

    public PipeWriter Output { get; } = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));

    public async ValueTask CompleteAsync()
    {
        await Input.CompleteAsync();
        await Output.CompleteAsync();
    }
}
