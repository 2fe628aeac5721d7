using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Broadcaster.Node.WebSockets.Transport;

/// <summary>
/// Serves a Pusher WebSocket on a bare socket that <see cref="PusherListener"/> kept from Kestrel: consumes the
/// upgrade's head, answers 101, and runs the connection on <see cref="SocketPipeReader"/> and
/// <see cref="SocketPipeWriter"/> until it closes, then closes the socket.
/// </summary>
public sealed class OwnedSocket(PusherWebSocketEndpoint endpoint)
{
    public async Task ServeAsync(Socket socket, UpgradeRequest upgrade, int headLength)
    {
        var pipe = new SocketPipe(socket);
        try
        {
            await SkipAsync(pipe.Input, headLength);
            var output = pipe.Output;
            output.Write(WebSocketHandshake.SwitchingProtocols(upgrade.WebSocketKey));
            if ((await output.FlushAsync()).IsCompleted) return;
            await endpoint.ServeAsync(upgrade.Request, pipe, pipe.Abort, CancellationToken.None);
        }
        finally
        {
            pipe.Input.Complete();
            pipe.Output.Complete();
            pipe.Abort();
        }
    }

    /// <summary>Reads past the request head, which the listener only peeked at; what follows is WebSocket frames.</summary>
    private static async Task SkipAsync(PipeReader input, long headLength)
    {
        while (true)
        {
            var result = await input.ReadAsync();
            if (result.Buffer.Length >= headLength)
            {
                input.AdvanceTo(result.Buffer.GetPosition(headLength));
                return;
            }
            if (result.IsCompleted) throw new SocketException((int)SocketError.ConnectionReset);
            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private sealed class SocketPipe(Socket socket) : IDuplexPipe
    {
        public PipeReader Input { get; } = new SocketPipeReader(socket);

        public PipeWriter Output { get; } = new SocketPipeWriter(socket);

        /// <summary>Closes the socket: pending reads and sends end, and the peer sees the connection go.</summary>
        public void Abort() => socket.Dispose();
    }
}
