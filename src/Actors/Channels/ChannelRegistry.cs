using Akka.Actor;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Http;

namespace Broadcaster.Actors.Channels;

/// <summary>
/// The node's channels: creates a <see cref="ChannelActor"/> per (app, channel) on the first subscribe and
/// stops it once it is empty. It keeps every channel's latest counts so HTTP API queries never have to
/// ask each channel.
/// </summary>
public sealed class ChannelRegistry : ReceiveActor
{
    private sealed class Entry(IActorRef actor, string appId, string channel)
    {
        public IActorRef Actor { get; } = actor;
        public string AppId { get; } = appId;
        public string Channel { get; } = channel;
        public long SubscribesSent { get; set; }
        public int Subscriptions { get; set; }
        public int Users { get; set; }
    }

    private readonly ProtocolLimits _limits;
    private readonly Dictionary<(string AppId, string Channel), Entry> _channels = new();
    private readonly Dictionary<IActorRef, Entry> _byActor = new();
    private long _nextChildId;

    public ChannelRegistry(ProtocolLimits limits)
    {
        _limits = limits;
        Receive<ChannelEnvelope>(OnEnvelope);
        Receive<ChannelCounts>(OnCounts);
        Receive<GetChannels>(q => Sender.Tell(new ChannelList(
            _channels.Values.Where(e => e.AppId == q.AppId && e.Subscriptions > 0)
                .Select(Info).OrderBy(c => c.Name, StringComparer.Ordinal).ToList())));
        Receive<GetChannel>(q => Sender.Tell(_channels.TryGetValue((q.AppId, q.Channel), out var e)
            ? Info(e)
            : new ChannelInfo(q.Channel, 0, 0)));
        Receive<GetChannelActorCount>(_ => Sender.Tell(Context.GetChildren().Count()));
    }

    public static Props Props(ProtocolLimits limits) => Akka.Actor.Props.Create(() => new ChannelRegistry(limits));

    private static ChannelInfo Info(Entry e) => new(e.Channel, e.Subscriptions, e.Users);

    private void OnEnvelope(ChannelEnvelope envelope)
    {
        var key = (envelope.AppId, envelope.Channel);
        if (!_channels.TryGetValue(key, out var entry))
        {
            switch (envelope.Command)
            {
                case Subscribe:
                    entry = Create(envelope.AppId, envelope.Channel);
                    break;
                case GetMembers:
                    Sender.Tell(new ChannelMembers([]));
                    return;
                default:
                    return; // Nobody is subscribed here: events and unsubscribes have nothing to do.
            }
        }
        if (envelope.Command is Subscribe) entry.SubscribesSent++;
        entry.Actor.Forward(envelope.Command);
    }

    private Entry Create(string appId, string channel)
    {
        var actor = Context.ActorOf(ChannelActor.Props(channel, _limits), $"channel-{++_nextChildId}");
        var entry = new Entry(actor, appId, channel);
        _channels[(appId, channel)] = entry;
        _byActor[actor] = entry;
        return entry;
    }

    private void OnCounts(ChannelCounts counts)
    {
        if (!_byActor.TryGetValue(Sender, out var entry)) return;
        entry.Subscriptions = counts.Subscriptions;
        entry.Users = counts.Users;
        // Stop only when the channel has seen every subscribe sent to it: otherwise one is still in its mailbox.
        if (counts.Subscriptions == 0 && counts.SubscribesHandled == entry.SubscribesSent)
        {
            _channels.Remove((entry.AppId, entry.Channel));
            _byActor.Remove(entry.Actor);
            Context.Stop(entry.Actor);
        }
    }
}
