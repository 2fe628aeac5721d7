using Akka.Actor;
using Broadcaster.Actors.Presence;
using Broadcaster.Actors.Sockets;
using Broadcaster.Actors.Webhooks;
using Broadcaster.Actors.Wire;
using Broadcaster.Protocol.Channels;
using Broadcaster.Protocol.Frames;
using Broadcaster.Protocol.Webhooks;

namespace Broadcaster.Actors.Channels;

/// <summary>
/// The node's channels: the parent of one <see cref="ChannelActor"/> per (app, channel) with a subscriber here, and
/// the node's one ordered fan-out stage. It routes subscribe, unsubscribe and client-event commands to the channel's
/// actor (creating it on the first subscribe), and writes every event, subscription reply and member event to the
/// sockets, reading each channel's subscriber array as its actor last handed it over.
/// <para>
/// Why one stage: PROTOCOL.md 3 wants a connection to receive the events a node accepted in the order it accepted
/// them, across all its channels. Channel actors writing in parallel would interleave two channels' events in any
/// order; one stage that takes events in arrival order and writes each to the array of its channel keeps that order
/// for every socket, with no lock and no allocation per delivery. A reply and the array that adds its socket are
/// applied in one step here, so no event reaches a socket before its reply and every later one does.
/// </para>
/// <para>
/// It also keeps the node's <see cref="ChannelCache"/>: the last API event of every cache channel, stored as it passes
/// through, and queued right behind a new subscriber's reply (or <c>pusher:cache_miss</c>), in the same step.
/// </para>
/// </summary>
public sealed class ChannelDirectory : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(1);

    /// <param name="counted">Whether the channel's subscriptions are counted cluster-wide (<see cref="IsCounted"/>), decided once.</param>
    private sealed class Slot(IActorRef actor, bool counted)
    {
        public IActorRef Actor { get; } = actor;
        public bool Counted { get; } = counted;
        public Subscriber[] Subscribers { get; set; } = [];
        /// <summary>Commands forwarded to the actor, compared with what it has handled before it may stop.</summary>
        public long Forwarded { get; set; }
    }

    private readonly Dictionary<ChannelKey, Slot> _slots = new();
    private readonly ChannelSettings _settings;
    private readonly IActorRef _presence;
    private readonly IActorRef _webhooks;
    private readonly EventPublisher _events;
    private readonly ChannelCache _cache;
    private readonly SubscriptionCounts _counts;
    private long _nextChildId;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="presence">The node's <see cref="Presence.PresenceActor"/>, for presence channels and occupancy.</param>
    /// <param name="webhooks">The node's <see cref="WebhookEmitter"/>, told of cache misses.</param>
    /// <param name="events">How client events are delivered here and published for the other nodes, in one order.</param>
    public ChannelDirectory(ChannelSettings settings, IActorRef presence, IActorRef webhooks, EventPublisher events)
    {
        _settings = settings;
        _presence = presence;
        _webhooks = webhooks;
        _events = events;
        _cache = new ChannelCache(settings.CacheTtl, settings.Time);
        _counts = new SubscriptionCounts(settings.Time);
        Receive<ChannelEnvelope>(OnCommand);
        Receive<ChannelEvent>(e =>
        {
            var key = new ChannelKey(e.AppId, e.Channel);
            if (e.FromApi && ChannelName.IsCache(e.Channel)) _cache.Store(key, e.Frame);
            if (_slots.TryGetValue(key, out var slot)) Deliver(slot.Subscribers, e.Frame, e.ExceptSocketId);
        });
        Receive<SubscribersChanged>(c =>
        {
            if (!_slots.TryGetValue(c.Key, out var slot) || !slot.Actor.Equals(Sender)) return;
            if (c.ReplyTo is { } replyTo)
            {
                replyTo.TrySend(c.Reply);
                if (ChannelName.IsCache(c.Key.Channel)) ReplayCache(c.Key, replyTo);
            }
            var before = slot.Subscribers.Length;
            slot.Subscribers = c.Subscribers;
            if (slot.Counted && c.Subscribers.Length != before) LocalCountChanged(c.Key, c.Subscribers.Length);
        });
        Receive<ChannelCountChanged>(c =>
        {
            var key = new ChannelKey(c.AppId, c.Channel);
            if (IsCounted(key) && _counts.RemoteChanged(c.Origin, key, c.Count) is { } total) TellCount(key, total);
        });
        Receive<OriginRemoved>(r =>
        {
            foreach (var (key, total) in _counts.OriginRemoved(r.Origin)) TellCount(key, total);
        });
        Receive<CountTick>(_ =>
        {
            var (publish, send) = _counts.Tick();
            foreach (var (key, count) in publish) PublishCount(key, count);
            foreach (var (key, total) in send) TellCount(key, total);
        });
        Receive<GetCachedEvent>(q => Sender.Tell(_cache.TryGet(q.Key, out var frame, out var left)
            ? new CachedEventAnswer(frame, left) : new CachedEventAnswer(null, TimeSpan.Zero)));
        Receive<ChannelSnapshotRequest>(_ => Sender.Tell(new ChannelSnapshot(settings.NodeId,
            _cache.Entries().Select(e => new CacheSnapshotEntry(e.Key.AppId, e.Key.Channel, e.Frame, (long)e.Left.TotalMilliseconds)).ToList(),
            _counts.LocalCounts().Select(c => new CountSnapshotEntry(c.Key.AppId, c.Key.Channel, c.Count)).ToList())));
        Receive<ChannelSnapshot>(s =>
        {
            foreach (var e in s.Cache) _cache.Merge(new ChannelKey(e.AppId, e.Channel), e.Frame, TimeSpan.FromMilliseconds(e.LeftMs));
            foreach (var c in s.Counts)
            {
                var key = new ChannelKey(c.AppId, c.Channel);
                if (IsCounted(key) && _counts.RemoteChanged(s.Origin, key, c.Count) is { } total) TellCount(key, total);
            }
        });
        Receive<PurgeCache>(_ => _cache.Purge());
        Receive<MemberEvent>(m =>
        {
            if (_slots.TryGetValue(m.Key, out var slot) && slot.Actor.Equals(Sender)) DeliverMemberEvent(slot.Subscribers, m.Frame, m.ExceptUserId);
        });
        Receive<ChannelIdle>(i =>
        {
            if (!_slots.TryGetValue(i.Key, out var slot) || !slot.Actor.Equals(Sender) || slot.Forwarded != i.Received) return;
            _slots.Remove(i.Key);
            Context.Unwatch(slot.Actor);
            Context.Stop(slot.Actor);
        });
        Receive<Terminated>(t =>
        {
            // A channel actor that could not start, or was stopped by its supervisor: its subscribers are lost with it.
            foreach (var key in _slots.Where(s => s.Value.Actor.Equals(t.ActorRef)).Select(s => s.Key).ToList()) _slots.Remove(key);
        });
        Receive<ChannelCountsQuery>(q => Sender.Tell(new ChannelCounts(Counts(q))));
        Receive<GetChannelStats>(_ => Sender.Tell(new ChannelStats(_slots.Count, _slots.Values.Sum(s => s.Subscribers.Length))));
        Receive<GetChannelActorCount>(_ => Sender.Tell(Context.GetChildren().Count()));
    }

    public static Props Props(ChannelSettings settings, IActorRef presence, IActorRef webhooks, EventPublisher events) =>
        Akka.Actor.Props.Create(() => new ChannelDirectory(settings, presence, webhooks, events));

    protected override void PreStart() => Timers.StartPeriodicTimer("purge", PurgeCache.Instance, PurgeInterval);

    /// <summary>
    /// Channels whose subscriptions are counted cluster-wide: non-presence channels (Pusher counts presence by members)
    /// of apps that send <c>pusher_internal:subscription_count</c> or want the <c>subscription_count</c> webhook.
    /// </summary>
    private bool IsCounted(ChannelKey key) =>
        _settings.Apps(key.AppId) is { } app && (app.EnableSubscriptionCount || app.WantsWebhook(Webhook.SubscriptionCount)) &&
        ChannelName.TypeOf(key.Channel) != ChannelType.Presence;

    private void LocalCountChanged(ChannelKey key, int count)
    {
        // Throttled work waits for the next tick, which runs only once some app counts.
        if (!Timers.IsTimerActive("counts")) Timers.StartPeriodicTimer("counts", CountTick.Instance, TimeSpan.FromSeconds(1));
        var (publish, send) = _counts.LocalChanged(key, count);
        if (publish) PublishCount(key, count);
        if (send is { } total) TellCount(key, total);
    }

    private void PublishCount(ChannelKey key, int count) =>
        ClusterTopic.Publish(_events.Topic, new ChannelCountChanged(_settings.NodeId, key.AppId, key.Channel, count), Self);

    /// <summary>The channel's cluster-wide count: to its subscribers here (in order with its events), and to the webhook emitter.</summary>
    private void TellCount(ChannelKey key, int total)
    {
        if (_settings.Apps(key.AppId) is not { } app) return;
        if (app.EnableSubscriptionCount && _slots.TryGetValue(key, out var slot) && slot.Subscribers.Length > 0)
            Deliver(slot.Subscribers, ServerFrames.SubscriptionCount(key.Channel, total), null);
        if (app.WantsWebhook(Webhook.SubscriptionCount)) _webhooks.Tell(new SubscriptionCountChanged(key.AppId, key.Channel, total));
    }

    /// <summary>Right behind a cache channel's subscription reply: its cached event, or a cache miss (and its webhook).</summary>
    private void ReplayCache(ChannelKey key, IPusherSocket socket)
    {
        if (_cache.TryGet(key, out var frame, out _))
        {
            socket.TrySend(frame);
            return;
        }
        socket.TrySend(ServerFrames.CacheMiss(key.Channel));
        if (_settings.Apps(key.AppId)?.WantsWebhook(Webhook.CacheMiss) == true)
            _webhooks.Tell(new WebhookHappened(key.AppId, WebhookEvent.CacheMiss(key.Channel)));
    }

    /// <summary>
    /// A channel actor that fails on one message is resumed with its state: restarting it would drop its subscribers
    /// and silence the channel for them.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(e =>
        e is ActorInitializationException ? Directive.Stop : Directive.Resume);

    private void OnCommand(ChannelEnvelope envelope)
    {
        var key = envelope.Key;
        if (!_slots.TryGetValue(key, out var slot))
        {
            if (envelope.Command is not Subscribe) return;
            var app = _settings.Apps(key.AppId);
            var reportOccupancy = app is not null && (app.WantsWebhook(Webhook.ChannelOccupied) || app.WantsWebhook(Webhook.ChannelVacated));
            var actor = Context.ActorOf(ChannelActor.Props(key, _settings.Limits, _presence, _events, reportOccupancy), $"channel-{++_nextChildId}");
            Context.Watch(actor);
            _slots[key] = slot = new Slot(actor, IsCounted(key));
        }
        slot.Forwarded++;
        slot.Actor.Tell(envelope.Command, Sender);
    }

    private static void Deliver(Subscriber[] subscribers, ReadOnlyMemory<byte> frame, string? exceptSocketId)
    {
        foreach (var subscriber in subscribers)
        {
            if (exceptSocketId is null || subscriber.Socket.SocketId != exceptSocketId) subscriber.Socket.TrySend(frame);
        }
    }

    private static void DeliverMemberEvent(Subscriber[] subscribers, ReadOnlyMemory<byte> frame, string? exceptUserId)
    {
        foreach (var subscriber in subscribers)
        {
            if (exceptUserId is null || subscriber.UserId != exceptUserId) subscriber.Socket.TrySend(frame);
        }
    }

    private Dictionary<string, int> Counts(ChannelCountsQuery query)
    {
        if (query.Channels is { } channels)
            return channels.Distinct(StringComparer.Ordinal).ToDictionary(c => c,
                c => _slots.TryGetValue(new ChannelKey(query.AppId, c), out var s) ? s.Subscribers.Length : 0, StringComparer.Ordinal);
        return _slots.Where(s => s.Key.AppId == query.AppId && s.Value.Subscribers.Length > 0)
            .ToDictionary(s => s.Key.Channel, s => s.Value.Subscribers.Length, StringComparer.Ordinal);
    }
}
