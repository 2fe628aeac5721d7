using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;
using Microsoft.Extensions.Logging;

namespace Broadcaster.Node.Tests.Tls;

/// <summary>What the client saw of the server during one TLS handshake.</summary>
public sealed record ServerHandshake(string Thumbprint, string Subject, IReadOnlyList<string> Presented, IReadOnlyList<string> VerifiedChain, SslPolicyErrors Errors);

/// <summary>
/// wss:// and https:// clients that trust only the test root CA (never the system store, never "accept anything")
/// and record the certificate and chain the server presented.
/// </summary>
public sealed class TlsClient : IAsyncDisposable
{
    private readonly HttpMessageInvoker _invoker;

    private TlsClient(ClientWebSocket socket, HttpMessageInvoker invoker, ServerHandshake handshake)
    {
        Socket = socket;
        _invoker = invoker;
        Handshake = handshake;
    }

    public ClientWebSocket Socket { get; }
    public ServerHandshake Handshake { get; }
    public string SocketId { get; private set; } = "";

    public static SocketsHttpHandler Handler(X509Certificate2 trustedRoot, Action<ServerHandshake> seen, X509Certificate2? clientCertificate = null) => new()
    {
        PooledConnectionLifetime = TimeSpan.Zero,
        SslOptions = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (certificate is null) return false;
                using var cert = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                var presented = chain?.ChainPolicy.ExtraStore.Select(c => c.Thumbprint).ToList() ?? [];
                using var own = new X509Chain();
                own.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                own.ChainPolicy.CustomTrustStore.Add(trustedRoot);
                own.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                own.ChainPolicy.DisableCertificateDownloads = true;
                if (chain is not null) own.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
                var valid = own.Build(cert);
                seen(new ServerHandshake(cert.Thumbprint, cert.Subject, presented,
                    valid ? own.ChainElements.Select(e => e.Certificate.Thumbprint).ToList() : [], errors));
                // Only the chain is checked against our own root; the host name must match as usual.
                return valid && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
            },
            LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
            ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
        },
    };

    public static Uri Url(int port, string key = "app-key", string host = "localhost") =>
        new($"wss://{host}:{port}/app/{key}{PusherClient.DefaultQuery}");

    /// <summary>wss:// handshake, then reads pusher:connection_established.</summary>
    public static async Task<TlsClient> ConnectAsync(int port, X509Certificate2 trustedRoot, X509Certificate2? clientCertificate = null, string host = "localhost")
    {
        ServerHandshake? seen = null;
        var invoker = new HttpMessageInvoker(Handler(trustedRoot, h => seen = h, clientCertificate));
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            using var timeout = new CancellationTokenSource(PusherClient.DefaultTimeout);
            await socket.ConnectAsync(Url(port, host: host), invoker, timeout.Token);
            var client = new TlsClient(socket, invoker, seen ?? throw new InvalidOperationException("no certificate was seen"));
            var frame = await client.ReceiveAsync();
            Assert.Equal("pusher:connection_established", frame.Event);
            client.SocketId = frame.InnerData.GetProperty("socket_id").GetString()!;
            return client;
        }
        catch
        {
            socket.Dispose();
            invoker.Dispose();
            throw;
        }
    }

    /// <summary>A plain TLS handshake (no HTTP): the certificate the server presents right now.</summary>
    public static async Task<ServerHandshake> HandshakeAsync(int port, X509Certificate2 trustedRoot)
    {
        ServerHandshake? seen = null;
        using var invoker = new HttpMessageInvoker(Handler(trustedRoot, h => seen = h));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://localhost:{port}/up");
        using var timeout = new CancellationTokenSource(PusherClient.DefaultTimeout);
        using var response = await invoker.SendAsync(request, timeout.Token);
        Assert.Equal(200, (int)response.StatusCode);
        return seen!;
    }

    public async Task SendAsync(string text)
    {
        using var timeout = new CancellationTokenSource(PusherClient.DefaultTimeout);
        await Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, timeout.Token);
    }

    public async Task<Frame> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(PusherClient.DefaultTimeout);
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await Socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException($"closed: {result.CloseStatus}");
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return new Frame(Encoding.UTF8.GetString(message.ToArray()));
        }
    }

    public async Task<Frame> ExpectAsync(string eventName)
    {
        var frame = await ReceiveAsync();
        Assert.True(frame.Event == eventName, $"Expected {eventName} but got {frame.Raw}");
        return frame;
    }

    public async Task PingPongAsync()
    {
        await SendAsync("""{"event":"pusher:ping","data":{}}""");
        await ExpectAsync("pusher:pong");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
        }
        Socket.Dispose();
        _invoker.Dispose();
    }
}

/// <summary>Signed HTTP API calls over https:// (same signing as <see cref="ApiClient"/>).</summary>
public static class HttpsApi
{
    public static async Task<(int Status, string Body, ServerHandshake Handshake)> TriggerAsync(int port, X509Certificate2 trustedRoot, string channel, string name, string data)
    {
        var body = JsonSerializer.Serialize(new { name, channels = new[] { channel }, data });
        var target = new ApiClient(port, TestApps.Main).SignedTarget("POST", "events", body);
        ServerHandshake? seen = null;
        using var http = new HttpClient(TlsClient.Handler(trustedRoot, h => seen = h)) { Timeout = TimeSpan.FromSeconds(10) };
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync($"https://localhost:{port}{target}", content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), seen!);
    }
}

/// <summary>Collects log lines so tests can assert on warnings.</summary>
public sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public bool Has(LogLevel level, string text) => Entries.Any(e => e.Level == level && e.Message.Contains(text, StringComparison.Ordinal));

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) owner.Entries.Enqueue((logLevel, category, formatter(state, exception)));
        }
    }
}

public static class TlsServers
{
    public static BroadcasterOptions Options(TlsOptions tls) => TestServers.DefaultOptions() with { Host = "127.0.0.1", Tls = tls };

    public static Task<BroadcasterServer> StartAsync(TlsOptions tls, LogCapture? logs = null, TimeProvider? time = null)
    {
        var options = Options(tls);
        return BroadcasterServer.StartAsync(options, logging: l =>
        {
            RunLog.For(options)(l);
            if (logs is not null) l.AddProvider(logs);
        }, time);
    }
}
