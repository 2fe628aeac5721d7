using System.IO.Pipelines;
using Akka.Actor;
using Broadcaster.Actors.Connections;
using Broadcaster.Node.Metrics;
using Broadcaster.Protocol.Frames;

namespace Broadcaster.Node.WebSockets;

/// <summary>
/// Reads one connection's frames until it closes: text messages are parsed and told to the connection's actor, pings
/// answered (pings and pongs count as the client's activity), the close handshake completed, and a protocol error closed with its code. An idle connection waits in
/// a read that holds no buffer (Kestrel's socket transport waits for data before it allocates one).
/// </summary>
public static class ReadLoop
{
    /// <param name="actor">Receives the parsed messages; null for a refused connection whose messages are ignored.</param>
    public static async Task RunAsync(PipeReader input, WebSocketConnection connection, IActorRef? actor, int maxMessageBytes,
        AppTraffic traffic, CancellationToken aborted)
    {
        var reader = new FrameReader(maxMessageBytes);
        // After a protocol error the rest of the stream means nothing: it is discarded until the client answers our close.
        var discarding = false;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(aborted);
                var buffer = result.Buffer;
                if (discarding) buffer = buffer.Slice(buffer.End);
                while (!discarding)
                {
                    var frame = reader.Read(ref buffer);
                    if (frame.Kind == FrameKind.NeedMore) break;
                    switch (frame.Kind)
                    {
                        case FrameKind.Text:
                            traffic.MessageReceived(frame.Payload.Length);
                            actor?.Tell(ClientFrameParser.TryParse(frame.Payload, out var parsed, out var error)
                                ? ClientFrameReceived.Of(parsed!)
                                : ClientFrameReceived.Invalid(error));
                            break;
                        case FrameKind.Ping:
                            connection.SendPong(frame.Payload);
                            actor?.Tell(ClientAlive.Instance);
                            break;
                        case FrameKind.Pong:
                            actor?.Tell(ClientAlive.Instance);
                            break;
                        case FrameKind.Close:
                            // Echo the code (RFC 6455 5.5.1); when ours went first, this is the answer and we are done.
                            connection.Close(frame.CloseCode is 1005 ? 1000 : frame.CloseCode, "");
                            return;
                        case FrameKind.Fail:
                            connection.Close(frame.CloseCode, frame.Reason);
                            discarding = true;
                            buffer = buffer.Slice(buffer.End);
                            break;
                    }
                }
                input.AdvanceTo(buffer.Start, result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled) return;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The client went away or was cut off: the caller's clean-up is the same either way.
        }
        finally
        {
            reader.ReturnBuffer();
        }
    }
}
