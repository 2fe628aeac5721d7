using System.Net.WebSockets;
using System.Text;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Signing;

namespace Broadcaster.Node.Tests.Infrastructure;

/// <summary>A raw Pusher protocol client over a real <see cref="ClientWebSocket"/>. Every wait is bounded.</summary>
public sealed class PusherClient : IAsyncDisposable
{
    public const string DefaultQuery = "?protocol=7&client=js&version=8.4.0&flash=false";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private PusherClient(ClientWebSocket socket, PusherApp app)
    {
        Socket = socket;
        App = app;
    }

    public ClientWebSocket Socket { get; }
    public PusherApp App { get; }
    public string SocketId { get; private set; } = "";
    public Frame? Established { get; private set; }

    public static Uri Url(int port, string key, string? query = null, string prefix = "") =>
        new($"ws://127.0.0.1:{port}{prefix}/app/{key}{query ?? DefaultQuery}");

    /// <summary>Completes the WebSocket handshake only; nothing is read.</summary>
    public static async Task<PusherClient> OpenAsync(int port, PusherApp app, string? query = null, string? origin = null, string prefix = "", string? key = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await socket.ConnectAsync(Url(port, key ?? app.Key, query, prefix), timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new PusherClient(socket, app);
    }

    /// <summary>Connects and reads <c>pusher:connection_established</c>, which must be the first frame.</summary>
    public static async Task<PusherClient> ConnectAsync(int port, PusherApp app, string? query = null, string? origin = null, string prefix = "")
    {
        var client = await OpenAsync(port, app, query, origin, prefix);
        var frame = await client.ReceiveAsync();
        Assert.Equal("pusher:connection_established", frame.Event);
        client.Established = frame;
        client.SocketId = frame.InnerData.GetProperty("socket_id").GetString()!;
        return client;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public Task SendJsonAsync(object value) => SendAsync(JsonSerializer.Serialize(value));

    public async Task SendAsync(byte[] bytes, WebSocketMessageType type)
    {
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await Socket.SendAsync(bytes, type, true, timeout.Token);
    }

    /// <summary>The next text frame; fails if the socket closes first or nothing arrives in time.</summary>
    public async Task<Frame> ReceiveAsync(TimeSpan? timeout = null)
    {
        var (frame, closeStatus) = await ReceiveFrameOrCloseAsync(timeout ?? DefaultTimeout);
        return frame ?? throw new InvalidOperationException($"Expected a frame but the server closed the socket with {closeStatus}");
    }

    /// <summary>Reads the next frame and checks its event name.</summary>
    public async Task<Frame> ExpectAsync(string eventName, TimeSpan? timeout = null)
    {
        var frame = await ReceiveAsync(timeout);
        Assert.True(frame.Event == eventName, $"Expected {eventName} but got {frame.Raw}");
        return frame;
    }

    /// <summary>Reads the next frame, which must be a pusher:error; returns its code.</summary>
    public async Task<int?> ExpectErrorAsync(TimeSpan? timeout = null)
    {
        var frame = await ExpectAsync("pusher:error", timeout);
        return frame.ErrorCode;
    }

    /// <summary>Waits for the close frame; fails if a data frame arrives first. Returns the close code.</summary>
    public async Task<int> ExpectCloseAsync(TimeSpan? timeout = null)
    {
        var (frame, status) = await ReceiveFrameOrCloseAsync(timeout ?? DefaultTimeout);
        Assert.True(frame is null, $"Expected the socket to close but got {frame?.Raw}");
        return status ?? throw new InvalidOperationException("Closed without a status code");
    }

    /// <summary>Reads frames until the socket closes or fails; returns the frames and the close code (null if it was cut off).</summary>
    public async Task<(List<Frame> Frames, int? CloseStatus)> DrainUntilClosedAsync(TimeSpan within)
    {
        var frames = new List<Frame>();
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"Socket still open after {within.TotalSeconds}s ({frames.Count} frames read)");
            try
            {
                var (frame, status) = await ReceiveFrameOrCloseAsync(left);
                if (frame is null) return (frames, status);
                frames.Add(frame);
            }
            catch (Exception e) when (e is WebSocketException or IOException)
            {
                return (frames, null);
            }
        }
    }

    /// <summary>pusher:ping must be answered by pusher:pong as the very next frame: a barrier proving the socket is open and nothing else was queued.</summary>
    public async Task PingPongAsync()
    {
        await SendAsync("""{"event":"pusher:ping","data":{}}""");
        var frame = await ReceiveAsync();
        Assert.True(frame.Event == "pusher:pong", $"Expected pusher:pong but got {frame.Raw}");
    }

    public string Auth(string channel, string? channelData = null, string? socketId = null) =>
        $"{App.Key}:{PusherSignature.Sign(App.Secret, PusherSignature.ChannelStringToSign(socketId ?? SocketId, channel, channelData))}";

    public Task SendSubscribeAsync(string channel, string? auth = null, string? channelData = null)
    {
        var data = new Dictionary<string, string> { ["channel"] = channel, ["auth"] = auth ?? "" };
        if (channelData is not null) data["channel_data"] = channelData;
        return SendJsonAsync(new { @event = "pusher:subscribe", data });
    }

    /// <summary>Signs in as <paramref name="userData"/> (PROTOCOL.md 5.1) and waits for signin_success.</summary>
    public async Task SigninAsync(string userData)
    {
        var auth = $"{App.Key}:{PusherSignature.Sign(App.Secret, PusherSignature.UserStringToSign(SocketId, userData))}";
        await SendJsonAsync(new { @event = "pusher:signin", data = new { auth, user_data = userData } });
        await ExpectAsync("pusher:signin_success");
    }

    /// <summary>Subscribes (signing private/presence channels with this connection's socket id) and waits for subscription_succeeded.</summary>
    public async Task<Frame> SubscribeAsync(string channel, string? channelData = null)
    {
        var auth = channel.StartsWith("private-", StringComparison.Ordinal) || channel.StartsWith("presence-", StringComparison.Ordinal)
            ? Auth(channel, channelData)
            : "";
        await SendSubscribeAsync(channel, auth, channelData);
        var frame = await ExpectAsync("pusher_internal:subscription_succeeded");
        Assert.Equal(channel, frame.Channel);
        return frame;
    }

    public async Task<Frame> ExpectSubscriptionErrorAsync(string channel, string type, int? status = null)
    {
        var frame = await ExpectAsync("pusher:subscription_error");
        Assert.Equal(channel, frame.Channel);
        Assert.Equal(JsonValueKind.Object, frame.Data.ValueKind);
        Assert.Equal(type, frame.Data.GetProperty("type").GetString());
        Assert.True(frame.Data.GetProperty("error").GetString() is { Length: > 0 });
        if (status is { } s) Assert.Equal(s, frame.Data.GetProperty("status").GetInt32());
        return frame;
    }

    private async Task<(Frame? Frame, int? CloseStatus)> ReceiveFrameOrCloseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await Socket.ReceiveAsync(buffer, cts.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await AnswerCloseAsync();
                    return (null, (int?)result.CloseStatus);
                }
                Assert.True(result.MessageType == WebSocketMessageType.Text, "The server sent a binary frame");
                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage) return (new Frame(Encoding.UTF8.GetString(message.ToArray())), null);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Nothing received within {timeout.TotalSeconds}s (socket state {Socket.State})");
        }
    }

    private async Task AnswerCloseAsync()
    {
        if (Socket.State != WebSocketState.CloseReceived) return;
        try
        {
            using var timeout = new CancellationTokenSource(DefaultTimeout);
            await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
        }
    }

    public async Task CloseAsync()
    {
        if (Socket.State != WebSocketState.Open) return;
        try
        {
            using var timeout = new CancellationTokenSource(DefaultTimeout);
            await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            Socket.Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        Socket.Dispose();
    }
}
