using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Broadcaster.Node.Tests.Infrastructure;

/// <summary>
/// An RFC 6455 client that writes every byte itself on a plain TCP socket, so a test can send what a WebSocket library
/// refuses to (unmasked or torn frames, reserved bits, bad close codes), cut its writes anywhere, and see exactly which
/// bytes the server sends back and when it ends the TCP connection. Every read is bounded.
/// </summary>
public sealed class RawWebSocket : IAsyncDisposable
{
    /// <summary>The key of RFC 6455 section 1.3, which must be answered with <see cref="RfcSampleAccept"/>.</summary>
    public const string RfcSampleKey = "dGhlIHNhbXBsZSBub25jZQ==";
    public const string RfcSampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    public const string PusherTarget = "/app/app-key" + PusherClient.DefaultQuery;
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private readonly Socket _socket;
    private readonly RawSocketReader _reader;

    private RawWebSocket(Socket socket)
    {
        _socket = socket;
        _reader = new RawSocketReader(socket);
    }

    /// <summary>The socket_id from <c>pusher:connection_established</c>, once <see cref="ConnectPusherAsync"/> read it.</summary>
    public string SocketId { get; private set; } = "";

    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    /// <summary>What the server must answer in <c>Sec-WebSocket-Accept</c> (RFC 6455 4.2.2, step 5.4).</summary>
    public static string AcceptFor(string key) => Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));

    /// <summary>The headers of a valid upgrade request besides <c>Host</c>; a test changes or removes some.</summary>
    public static Dictionary<string, string> UpgradeHeaders(string key) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Upgrade"] = "websocket",
        ["Connection"] = "Upgrade",
        ["Sec-WebSocket-Key"] = key,
        ["Sec-WebSocket-Version"] = "13",
    };

    public static byte[] Request(string method, string target, IReadOnlyDictionary<string, string> headers)
    {
        var head = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        foreach (var (name, value) in headers) head.Append($"{name}: {value}\r\n");
        return Encoding.ASCII.GetBytes(head.Append("\r\n").ToString());
    }

    /// <summary>A TCP connection to the node and nothing sent yet.</summary>
    public static async Task<RawWebSocket> OpenTcpAsync(int port)
    {
        // Without Nagle every write leaves as its own segment, so split writes really reach the server apart.
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new RawWebSocket(socket);
    }

    /// <summary>Completes the upgrade (101 with the right accept value); nothing after the response head is read.</summary>
    public static async Task<RawWebSocket> ConnectAsync(int port, string target = PusherTarget)
    {
        var socket = await OpenTcpAsync(port);
        try
        {
            var key = NewKey();
            await socket.WriteAsync(Request("GET", target, UpgradeHeaders(key)));
            var response = await socket.ReadResponseAsync();
            Assert.True(response.Status == 101, $"Expected 101 but got {response}");
            Assert.Equal(AcceptFor(key), response.Header("Sec-WebSocket-Accept"));
            return socket;
        }
        catch
        {
            await socket.DisposeAsync();
            throw;
        }
    }

    /// <summary>Upgrades and reads <c>pusher:connection_established</c>, which must be the first message.</summary>
    public static async Task<RawWebSocket> ConnectPusherAsync(int port, string target = PusherTarget)
    {
        var socket = await ConnectAsync(port, target);
        try
        {
            var established = await socket.ExpectPusherAsync("pusher:connection_established");
            socket.SocketId = established.InnerData.GetProperty("socket_id").GetString()!;
            return socket;
        }
        catch
        {
            await socket.DisposeAsync();
            throw;
        }
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        while (!bytes.IsEmpty)
        {
            var sent = await _socket.SendAsync(bytes, SocketFlags.None, timeout.Token);
            bytes = bytes[sent..];
        }
    }

    /// <summary>Writes <paramref name="bytes"/> as separate TCP writes, cut at each of the ascending offsets <paramref name="cuts"/>.</summary>
    public async Task WriteSplitAsync(ReadOnlyMemory<byte> bytes, params int[] cuts)
    {
        var from = 0;
        foreach (var cut in cuts.Append(bytes.Length))
        {
            await WriteAsync(bytes[from..cut]);
            from = cut;
        }
    }

    public Task WriteBytewiseAsync(ReadOnlyMemory<byte> bytes) => WriteSplitAsync(bytes, Enumerable.Range(1, bytes.Length - 1).ToArray());

    /// <summary>One masked, final text frame.</summary>
    public Task SendTextAsync(string text) => WriteAsync(RawFrame.Encode(RawFrame.Text, text));

    /// <summary><c>pusher:ping</c> answered by <c>pusher:pong</c> as the very next message: the connection is open and in step.</summary>
    public async Task PingPongAsync()
    {
        await SendTextAsync("""{"event":"pusher:ping","data":{}}""");
        await ExpectPusherAsync("pusher:pong");
    }

    /// <summary>Resets the connection (SO_LINGER 0): an RST instead of a FIN, like a crashed client or a cut cable.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    /// <summary>Half-closes: sends a FIN, without a close frame, and keeps reading.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Reads a response head and, for anything but 101, its body (by Content-Length or chunked).</summary>
    public Task<RawHttpResponse> ReadResponseAsync(TimeSpan? timeout = null) => Bounded(_reader.ReadResponseAsync, timeout, "an HTTP response");

    /// <summary>The next frame exactly as the server sent it: control frames are neither answered nor skipped.</summary>
    public Task<RawFrame> ReadFrameAsync(TimeSpan? timeout = null) => Bounded(_reader.ReadFrameAsync, timeout, "a frame");

    /// <summary>The next Pusher message (a text message, reassembled if fragmented); pings are answered, pongs skipped.</summary>
    public Task<Frame> ReadPusherAsync(TimeSpan? timeout = null) => Bounded(async ct =>
    {
        var message = await ReadMessageAsync(ct, answerPings: true);
        return message.Opcode == RawFrame.Close
            ? throw new InvalidOperationException($"Expected a Pusher message but the server closed with {message.CloseCode} \"{message.CloseReason}\"")
            : new Frame(message.PayloadText);
    }, timeout, "a Pusher message");

    public async Task<Frame> ExpectPusherAsync(string eventName, TimeSpan? timeout = null)
    {
        var frame = await ReadPusherAsync(timeout);
        Assert.True(frame.Event == eventName, $"Expected {eventName} but got {frame.Raw}");
        return frame;
    }

    /// <summary>
    /// Reads Pusher messages until the server's close frame, answers it with a close frame as RFC 6455 5.5.1 asks, then
    /// waits for the server to end the TCP connection. With <paramref name="answer"/> false the client stays silent: it
    /// answers neither pings nor the close frame (it already sent its own, or it is stuck in the middle of a frame).
    /// </summary>
    public Task<RawClose> ExpectCloseAsync(TimeSpan? timeout = null, bool answer = true) => Bounded(async ct =>
    {
        var before = new List<Frame>();
        RawFrame message;
        while ((message = await ReadMessageAsync(ct, answerPings: answer)).Opcode != RawFrame.Close) before.Add(new Frame(message.PayloadText));
        if (answer)
        {
            try
            {
                await WriteAsync(RawFrame.Encode(RawFrame.Close, message.CloseCode is { } code ? RawFrame.ClosePayload(code) : []));
            }
            catch (SocketException)
            {
                // The server may end TCP right after its close frame; the close handshake is then only one-sided.
            }
        }
        var rest = await ReadUntilTcpClosedAsync(ct);
        Assert.True(rest is null or { Count: 0 }, $"The server sent frames after its close frame: {string.Join(", ", rest ?? [])}");
        return new RawClose(message.CloseCode, message.CloseReason, rest is not null, before);
    }, timeout, "the server's close frame");

    /// <summary>The server fails the connection: a close frame with <paramref name="code"/> and no Pusher message first, then the end of TCP.</summary>
    public async Task ExpectFailedWithAsync(int code)
    {
        var close = await ExpectCloseAsync();
        Assert.True(close.Before.Count == 0, $"The server processed the bad frame and sent: {string.Join(", ", close.Before)}");
        Assert.Equal(code, close.Code);
        Assert.True(close.TcpClosed, "The server did not close the TCP connection after its close frame");
    }

    /// <summary>
    /// Reads frames until the server ends the TCP connection (FIN or reset); returns them, or null when it is still open after
    /// <paramref name="within"/>. A frame cut off by the end of the connection is left out.
    /// </summary>
    public async Task<List<RawFrame>?> DrainUntilTcpClosedAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        return await ReadUntilTcpClosedAsync(timeout.Token);
    }

    private async Task<List<RawFrame>?> ReadUntilTcpClosedAsync(CancellationToken ct)
    {
        var frames = new List<RawFrame>();
        try
        {
            while (true) frames.Add(await _reader.ReadFrameAsync(ct));
        }
        catch (Exception e) when (e is EndOfStreamException or SocketException)
        {
            return frames;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>A whole text message, or a close frame; pings on the way are answered (if <paramref name="answerPings"/>), pongs skipped.</summary>
    private async Task<RawFrame> ReadMessageAsync(CancellationToken ct, bool answerPings)
    {
        RawFrame? first = null;
        var payload = new MemoryStream();
        while (true)
        {
            var frame = await _reader.ReadFrameAsync(ct);
            Assert.False(frame.Masked, $"The server masked a frame (RFC 6455 5.1 forbids it): {frame}");
            Assert.True(frame.Rsv == 0, $"The server set reserved bits without an extension: {frame}");
            if (frame.Opcode == RawFrame.Ping)
            {
                if (answerPings) await WriteAsync(RawFrame.Encode(RawFrame.Pong, frame.Payload));
                continue;
            }
            if (frame.Opcode == RawFrame.Pong) continue;
            if (frame.Opcode == RawFrame.Close) return frame;
            Assert.True(first is null ? frame.Opcode == RawFrame.Text : frame.Opcode == RawFrame.Continuation, $"Unexpected frame from the server: {frame}");
            first ??= frame;
            payload.Write(frame.Payload);
            if (frame.Fin) return first with { Fin = true, Payload = payload.ToArray() };
        }
    }

    private static async Task<T> Bounded<T>(Func<CancellationToken, Task<T>> read, TimeSpan? timeout, string what)
    {
        var within = timeout ?? DefaultTimeout;
        using var cts = new CancellationTokenSource(within);
        try
        {
            return await read(cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"Nothing like {what} arrived within {within.TotalSeconds}s");
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
