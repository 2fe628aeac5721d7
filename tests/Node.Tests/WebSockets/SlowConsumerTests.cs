using Broadcaster.Protocol.Apps;

namespace Broadcaster.Node.Tests.WebSockets;

/// <summary>A client that stops reading is cut off without slowing down the other subscribers of its channel.</summary>
public class SlowConsumerTests
{
    [Fact]
    public async Task Client_that_never_reads_is_closed_while_a_reader_gets_every_event()
    {
        const int size = 60 * 1024;
        var options = TestServers.DefaultOptions() with
        {
            OutgoingQueueSize = 8,
            Limits = ProtocolLimits.Default with { MaxEventDataBytes = size + 100 },
        };
        await using var server = await TestServers.StartAsync(options);
        var api = server.Api();
        await using var reader = await server.ConnectAsync();
        await reader.SubscribeAsync("firehose");
        var slow = await server.ConnectAsync();
        await slow.SubscribeAsync("firehose");
        Assert.Equal(2, await server.ConnectionActorCount());

        var padding = new string('x', size);
        var received = new List<int>();
        var sent = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        // Publish until the server has dropped the slow client, reading every event on the other one in lockstep.
        while (await server.ConnectionActorCount() == 2)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The slow client was never dropped after {sent} events of {size} bytes");
            await api.TriggerOkAsync("firehose", "chunk", $"{sent:D6}{padding}");
            sent++;
            var frame = await reader.ExpectAsync("chunk");
            received.Add(int.Parse(frame.DataString[..6]));
        }
        Assert.Equal(1, await server.ConnectionActorCount());

        // The reader is unaffected: more events still arrive, all in order, none missing.
        for (var i = 0; i < 5; i++)
        {
            await api.TriggerOkAsync("firehose", "chunk", $"{sent:D6}{padding}");
            sent++;
        }
        while (received.Count < sent) received.Add(int.Parse((await reader.ExpectAsync("chunk")).DataString[..6]));
        Assert.Equal(Enumerable.Range(0, sent), received);
        await reader.PingPongAsync();

        var channel = await api.GetAsync("channels/firehose", "info", "subscription_count");
        Assert.Equal(1, channel.Json.GetProperty("subscription_count").GetInt32());

        // The slow client's socket ends: after what was buffered, it is closed (4100) or cut off.
        var (frames, status) = await slow.DrainUntilClosedAsync(TimeSpan.FromSeconds(15));
        Assert.True(status is null or 4100, $"Unexpected close code {status}");
        Assert.True(frames.Count < sent, $"The slow client received all {sent} events");
        Assert.All(frames.Skip(1), f => Assert.Contains(f.Event, new[] { "chunk", "pusher:error" }));
        slow.Socket.Dispose();
    }
}
