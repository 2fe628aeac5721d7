using System.Net;
using System.Net.Sockets;
using System.Text;
using Broadcaster.Bench.Framing;
using Broadcaster.Bench.LoadGenerator;
using Broadcaster.Fuzzing;

namespace Broadcaster.Bench.Fuzz;

/// <summary>
/// The fuzzer's client: a plain TCP socket that completes the WebSocket upgrade, then writes whatever bytes a case
/// holds and reads every frame the server sends back as it came. It does what the fuzz test's raw client does, with
/// the same bounds: five seconds for a write or for the upgrade, a quiet spell to end the reading.
/// </summary>
public sealed class FuzzClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly SocketBuffer _buffer;

    private FuzzClient(Socket socket)
    {
        _socket = socket;
        _buffer = new SocketBuffer(socket);
    }

    /// <summary>Upgrades from source address number <paramref name="index"/> and reads up to the response head.</summary>
    public static async Task<FuzzClient> ConnectAsync(ClientSettings settings, int index, CancellationToken cancel)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var client = new FuzzClient(socket);
        try
        {
            socket.Bind(new IPEndPoint(ClientSettings.SourceAddress(index), 0));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(Timeout);
            await socket.ConnectAsync(settings.Server, timeout.Token);
            var key = WebSocketHandshake.NewKey();
            await client.WriteAsync(WebSocketHandshake.Request($"{settings.Server}", settings.PathAndQuery, key), timeout.Token);
            int head;
            while ((head = WebSocketHandshake.ReadResponse(client._buffer.Buffered, WebSocketHandshake.Accept(key))) == 0)
                if (!await client._buffer.FillAsync(timeout.Token)) throw new EndOfStreamException("the server closed the connection during the upgrade");
            client._buffer.Consume(head);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Frames up to the first text message, which must be <c>pusher:connection_established</c>; null when it was, else why not.</summary>
    public async Task<string?> ExpectEstablishedAsync(CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(Timeout);
        while (true)
        {
            var frame = await ReadFrameAsync(timeout.Token);
            if (frame is null) return "the server closed the connection before pusher:connection_established";
            if (frame.Violation is { } violation) return $"{violation}: {frame}";
            if (frame.Opcode is FrameHeader.Ping or FrameHeader.Pong) continue;
            var text = Encoding.UTF8.GetString(frame.Payload);
            return frame.Opcode == FrameHeader.Text && text.StartsWith("{\"event\":\"pusher:connection_established\"", StringComparison.Ordinal)
                ? null
                : $"the first message is not pusher:connection_established: {frame}";
        }
    }

    /// <summary>Writes all of <paramref name="bytes"/>; throws when the server has closed or stopped reading for <see cref="Timeout"/>.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(Timeout);
        while (!bytes.IsEmpty)
        {
            var sent = await _socket.SendAsync(bytes, SocketFlags.None, timeout.Token);
            bytes = bytes[sent..];
        }
    }

    /// <summary>
    /// What the server sends until it ends the connection or says nothing for <paramref name="quiet"/>; a frame cut
    /// off by the end of the connection is left out, as the fuzz test's reader leaves it out.
    /// </summary>
    public async Task<List<ServerFrame>> DrainAsync(TimeSpan quiet, CancellationToken cancel)
    {
        var frames = new List<ServerFrame>();
        while (true)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(quiet);
            try
            {
                if (await ReadFrameAsync(timeout.Token) is not { } frame) return frames;
                frames.Add(frame);
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                return frames;
            }
            catch (SocketException)
            {
                return frames;
            }
        }
    }

    /// <summary>The next whole frame, or null when the server ended the connection.</summary>
    private async Task<ServerFrame?> ReadFrameAsync(CancellationToken cancel)
    {
        while (true)
        {
            if (ServerFrame.TryRead(_buffer.Buffered, out var frame, out var consumed))
            {
                _buffer.Consume(consumed);
                return frame;
            }
            if (!await _buffer.FillAsync(cancel)) return null;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
