using System.Collections.Concurrent;
using Akka.Actor;
using Broadcaster.Actors.Connections;
using Broadcaster.Actors.Monitoring;
using Broadcaster.Actors.Tests.Support;
using Broadcaster.Actors.Wire;
using Xunit;

namespace Broadcaster.Actors.Tests.Connections;

/// <summary>The dashboard's live log as connections write it: structured entries while watched, nothing at all otherwise.</summary>
public sealed class ConnectionActivityTests : ActorTestBase
{
    private sealed class RecordingLog : IActivityLog
    {
        public volatile bool On;
        public ConcurrentQueue<ActivityEntry> Entries { get; } = new();
        public bool Enabled => On;
        public void Write(ActivityEntry entry) => Entries.Enqueue(entry);
    }

    [Fact]
    public void A_watched_connection_logs_what_it_does_with_kind_channel_and_event()
    {
        var log = new RecordingLog { On = true };
        var client = Connect(NewChannels(), settings: new ConnectionSettings { Activity = log });
        SubscribeOk(client, "private-chat");
        Send(client, ClientEventJson("client-typing", "private-chat"));
        Send(client, UnsubscribeJson("private-chat"));
        Send(client, SubscribeJson("private-chat", auth: "app-key:wrong"));
        client.Probe.ExpectFrame("pusher:subscription_error");
        Sys.Stop(client.Actor);

        AwaitAssert(() => Assert.Contains(log.Entries, e => e.Kind == "disconnected"), Timeout);
        var entries = log.Entries.ToList();
        Assert.Equal(["connected", "subscribed", "client_event", "unsubscribed", "subscription_refused", "disconnected"], entries.Select(e => e.Kind));
        Assert.All(entries, e => Assert.Equal((AppId, client.SocketId), (e.AppId, e.SocketId)));
        var clientEvent = entries[2];
        Assert.Equal(("private-chat", "client-typing", "client event client-typing on private-chat"), (clientEvent.Channel, clientEvent.Event, clientEvent.Text));
        Assert.Equal("private-chat", entries[1].Channel);
    }

    [Fact]
    public void An_unwatched_connection_writes_nothing()
    {
        var log = new RecordingLog { On = false };
        var client = Connect(NewChannels(), settings: new ConnectionSettings { Activity = log });
        SubscribeOk(client, "private-chat");
        Send(client, ClientEventJson("client-typing", "private-chat"));
        Sys.Stop(client.Actor);
        Watch(client.Actor);
        ExpectTerminated(client.Actor, Timeout);

        Assert.Empty(log.Entries);
    }
}
