using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Broadcaster.Node.Hosting;

namespace Broadcaster.Node.Tests.HttpApi;

/// <summary>
/// Clients that send too much or too slowly: a body over the limit is refused before it has arrived whole (413), a
/// head trickled byte by byte (slowloris) or a body slower than Kestrel's minimum rate is cut off, and none of them
/// holds up anyone else.
/// </summary>
public class SlowAndOversizedRequestTests : IAsyncLifetime
{
    private static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(2);
    private BroadcasterServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServers.StartAsync(TestServers.DefaultOptions() with { RequestHeadersTimeout = HeadersTimeout });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_declared_body_over_the_limit_is_answered_413_before_it_is_sent()
    {
        var api = _server.Api();
        var target = api.SignedTarget("POST", "events", "");
        await using var raw = await RawWebSocket.OpenTcpAsync(_server.Port);
        // 100 MB announced, 1 KiB sent: the answer must not wait for the rest.
        var head = $"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {100_000_000}\r\n\r\n";
        await raw.WriteAsync(Encoding.ASCII.GetBytes(head + new string('x', 1024)));
        var response = await raw.ReadResponseAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(413, response.Status);
        Assert.Contains("\"error\"", response.Body);
        Assert.Contains("at most", response.Body);
        // The rest is never read: the node ends the connection instead of waiting for 100 MB.
        Assert.NotNull(await raw.DrainUntilTcpClosedAsync(TimeSpan.FromSeconds(10)));
        await AssertStillDeliversAsync();
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_refused_before_it_has_arrived_whole()
    {
        var api = _server.Api();
        var max = _server.Options.Limits.MaxRequestBodyBytes;
        var target = api.SignedTarget("POST", "events", "");
        await using var raw = await RawWebSocket.OpenTcpAsync(_server.Port);
        await raw.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
        var answer = raw.ReadResponseAsync(TimeSpan.FromSeconds(30));
        // Up to 64 times the limit, one 64 KiB chunk after another, until the node answers or stops reading.
        var chunk = Encoding.ASCII.GetBytes($"{64 * 1024:x}\r\n{new string('d', 64 * 1024)}\r\n");
        long sent = 0;
        var refused = false;
        while (sent < 64L * max && !answer.IsCompleted)
        {
            try
            {
                await raw.WriteAsync(chunk).WaitAsync(TimeSpan.FromSeconds(10));
                sent += 64 * 1024;
            }
            catch (Exception e) when (e is SocketException or IOException or TimeoutException or OperationCanceledException)
            {
                // The node stopped reading (reset, or its receive window stays shut): refused either way.
                refused = true;
                break;
            }
        }
        Assert.True(sent < 64L * max, $"The node read all {sent} bytes of a body {64} times over the limit");
        try
        {
            var response = await answer;
            Assert.Equal(413, response.Status);
            Assert.Contains("\"error\"", response.Body);
        }
        catch (Exception e) when (refused && e is SocketException or IOException or EndOfStreamException)
        {
            // A reset can overtake the 413 on the wire; what matters is that the node stopped reading.
        }
        await AssertStillDeliversAsync();
    }

    [Theory]
    [InlineData("POST /apps/1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Slow: ")]
    [InlineData("GET /app/app-key?protocol=7 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nX-Slow: ")]
    [InlineData("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")]
    public async Task A_head_trickled_byte_by_byte_is_dropped_after_the_headers_timeout(string start)
    {
        await using var raw = await RawWebSocket.OpenTcpAsync(_server.Port);
        var clock = Stopwatch.StartNew();
        await raw.WriteAsync(Encoding.ASCII.GetBytes(start));
        using var trickle = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var writer = TrickleAsync(raw, trickle.Token);
        var closed = await raw.DrainUntilTcpClosedAsync(HeadersTimeout + TimeSpan.FromSeconds(8));
        var after = clock.Elapsed;
        await trickle.CancelAsync();
        await writer;
        Assert.True(closed is not null, $"A head still incomplete after {after.TotalSeconds:0.0} s was not dropped");
        // Dropped by the timeout, not refused at once: the bytes it sent were a valid start.
        Assert.True(after >= HeadersTimeout * 0.75, $"Dropped after {after.TotalSeconds:0.0} s, before the {HeadersTimeout.TotalSeconds} s timeout");
        await AssertStillDeliversAsync();
    }

    [Fact]
    public async Task A_connection_that_sends_nothing_is_closed_after_the_headers_timeout()
    {
        await using var raw = await RawWebSocket.OpenTcpAsync(_server.Port);
        Assert.NotNull(await raw.DrainUntilTcpClosedAsync(HeadersTimeout + TimeSpan.FromSeconds(8)));
    }

    [Fact]
    public async Task A_body_slower_than_the_minimum_rate_is_cut_off()
    {
        var body = $$"""{"name":"e","channels":["c"],"data":"{{new string('d', 20_000)}}"}""";
        var target = _server.Api().SignedTarget("POST", "events", body);
        await using var raw = await RawWebSocket.OpenTcpAsync(_server.Port);
        var bytes = Encoding.UTF8.GetBytes(body);
        await raw.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\n\r\n"));
        var clock = Stopwatch.StartNew();
        // 20 bytes every 200 ms (100 bytes/s) is under Kestrel's minimum of 240 bytes/s; the whole body would take 200 s.
        using var trickle = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var writer = Task.Run(async () =>
        {
            for (var at = 0; at < bytes.Length && !trickle.IsCancellationRequested; at += 20)
            {
                try
                {
                    await raw.WriteAsync(bytes.AsMemory(at, Math.Min(20, bytes.Length - at)));
                    await Task.Delay(200, trickle.Token);
                }
                catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
                {
                    return;
                }
            }
        });
        var answer = await ReadAnswerOrCloseAsync(raw, TimeSpan.FromSeconds(20));
        var after = clock.Elapsed;
        await trickle.CancelAsync();
        await writer;
        Assert.True(answer is null or 408, $"A slow body got {answer} instead of 408 or a closed connection");
        Assert.True(after < TimeSpan.FromSeconds(20), $"The slow body held its connection for {after.TotalSeconds:0.0} s");
        await AssertStillDeliversAsync();
    }

    [Fact]
    public async Task Two_hundred_slow_clients_do_not_hold_up_a_subscriber_and_are_all_dropped()
    {
        var slow = new List<RawWebSocket>();
        try
        {
            for (var i = 0; i < 200; i++)
            {
                var raw = await RawWebSocket.OpenTcpAsync(_server.Port);
                slow.Add(raw);
                var start = i % 2 == 0
                    ? "GET /app/app-key?protocol=7 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    : "POST /apps/1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n";
                await raw.WriteAsync(Encoding.ASCII.GetBytes(start));
            }
            var clock = Stopwatch.StartNew();
            await AssertStillDeliversAsync();
            Assert.True(clock.Elapsed < HeadersTimeout, $"A subscriber waited {clock.Elapsed.TotalSeconds:0.0} s behind slow clients");
            var closed = await Task.WhenAll(slow.Select(s => s.DrainUntilTcpClosedAsync(HeadersTimeout + TimeSpan.FromSeconds(10))));
            Assert.Equal(0, closed.Count(c => c is null));
        }
        finally
        {
            foreach (var s in slow) await s.DisposeAsync();
        }
    }

    private static async Task TrickleAsync(RawWebSocket raw, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await raw.WriteAsync("a"u8.ToArray());
                await Task.Delay(200, ct);
            }
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Dropped by the node, or the test is done.
        }
    }

    /// <summary>The status of the node's answer, or null when it closed the connection without one.</summary>
    private static async Task<int?> ReadAnswerOrCloseAsync(RawWebSocket raw, TimeSpan within)
    {
        try
        {
            return (await raw.ReadResponseAsync(within)).Status;
        }
        catch (Exception e) when (e is SocketException or IOException or EndOfStreamException)
        {
            return null;
        }
    }

    /// <summary>A fresh subscriber still gets a freshly triggered event: the node is up and its other clients served.</summary>
    private async Task AssertStillDeliversAsync()
    {
        await using var client = await _server.ConnectAsync();
        var channel = $"after-{Guid.NewGuid():N}";
        await client.SubscribeAsync(channel);
        await _server.Api().TriggerOkAsync(channel, "still-here", "{}");
        await client.ExpectAsync("still-here");
    }
}
