using Akka.Actor;
using Akka.Cluster;
using Broadcaster.Actors.Membership;
using Broadcaster.Actors.Presence;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Webhooks;

namespace Broadcaster.Actors.Webhooks;

/// <summary>
/// Decides which webhooks the cluster sends (PROTOCOL.md 7) and hands them to the node's <see cref="IWebhookSink"/>.
/// <list type="bullet">
/// <item><c>channel_occupied</c>/<c>channel_vacated</c> and <c>member_added</c>/<c>member_removed</c> follow the whole
/// cluster: every node's presence replica carries each node's occupied channels (<see cref="ClusterSets.Occupied"/>) and
/// presence members, and tells this actor when one appears in or vanishes from the cluster, a crashed node's
/// included once it is removed. Every node derives the same changes, and only the oldest Up member sends them, so each
/// goes out once.</item>
/// <item>Vacated and removed wait <c>delay</c>; if the channel is occupied (the member back) before that, neither the
/// vacated nor the following occupied is sent: a page reload makes no webhook.</item>
/// <item>Client events and cache misses happen on one node, which sends them (<see cref="WebhookHappened"/>).</item>
/// </list>
/// Which node sends is decided when a webhook is due (the oldest reachable Up member, if it reaches a majority), so a
/// change that a crash causes is sent by the node that is oldest once the crashed one is unreachable or gone.
/// </summary>
public sealed class WebhookEmitter : ReceiveActor, IWithTimers
{
    private sealed record Due(string Key);

    private readonly Func<string, PusherApp?> _apps;
    private readonly IWebhookSink _sink;
    private readonly IActorRef _presence;
    private readonly TimeSpan _delay;
    private readonly TimeProvider _time;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    /// <summary>Delayed vacated/removed webhooks by what they are about, with when they arose.</summary>
    private readonly Dictionary<string, (string AppId, WebhookEvent Event, long CreatedMs)> _delayed = new(StringComparer.Ordinal);

    public ITimerScheduler Timers { get; set; } = null!;

    public WebhookEmitter(Func<string, PusherApp?> apps, IWebhookSink sink, IActorRef presence, TimeSpan delay, TimeProvider time)
    {
        _apps = apps;
        _sink = sink;
        _presence = presence;
        _delay = delay;
        _time = time;
        Receive<ClusterMembersChanged>(c =>
        {
            foreach (var change in c.Changes) OnClusterChange(change);
        });
        Receive<WebhookHappened>(h => Send(h.AppId, h.Event, Now()));
        Receive<SubscriptionCountChanged>(c =>
        {
            if (IsOldest()) Send(c.AppId, WebhookEvent.Count(c.Channel, c.Count), Now());
        });
        Receive<Due>(d =>
        {
            if (_delayed.Remove(d.Key, out var delayed) && IsOldest()) Send(delayed.AppId, delayed.Event, delayed.CreatedMs);
        });
    }

    public static Props Props(Func<string, PusherApp?> apps, IWebhookSink sink, IActorRef presence, TimeSpan delay, TimeProvider time) =>
        Akka.Actor.Props.Create(() => new WebhookEmitter(apps, sink, presence, delay, time));

    protected override void PreStart() => _presence.Tell(ListenToClusterChanges.Instance);

    private void OnClusterChange(ClusterChange change)
    {
        var (appId, channel) = (change.Key.AppId, change.Key.Channel);
        if (_apps(appId) is not { Webhooks.Count: > 0 }) return;
        if (channel == ClusterSets.Occupied)
        {
            var name = change.Member.UserId;
            OnFlip($"o\n{appId}\n{name}", appId, change.Added, WebhookEvent.ChannelOccupied(name), WebhookEvent.ChannelVacated(name));
        }
        else if (!ClusterSets.IsSet(channel))
        {
            var user = change.Member.UserId;
            OnFlip($"m\n{appId}\n{channel}\n{user}", appId, change.Added,
                WebhookEvent.MemberAdded(channel, user), WebhookEvent.MemberRemoved(channel, user));
        }
    }

    /// <summary>Up: sent at once, unless it cancels a pending down. Down: pending for the delay.</summary>
    private void OnFlip(string key, string appId, bool up, WebhookEvent upEvent, WebhookEvent downEvent)
    {
        if (up)
        {
            if (_delayed.Remove(key))
            {
                Timers.Cancel(key);
                return;
            }
            if (IsOldest()) Send(appId, upEvent, Now());
            return;
        }
        if (_delay <= TimeSpan.Zero)
        {
            if (IsOldest()) Send(appId, downEvent, Now());
            return;
        }
        _delayed[key] = (appId, downEvent, Now());
        Timers.StartSingleTimer(key, new Due(key), _delay);
    }

    private void Send(string appId, WebhookEvent webhookEvent, long createdMs)
    {
        if (_apps(appId) is not { Webhooks: { } endpoints } app) return;
        foreach (var endpoint in endpoints)
        {
            if (endpoint.Wants(webhookEvent.Name, webhookEvent.Channel)) _sink.Send(app, endpoint, webhookEvent, createdMs);
        }
    }

    /// <summary>Whether this node sends the cluster's webhooks (<see cref="Seniority.IsOldest"/>).</summary>
    private bool IsOldest() => Seniority.IsOldest(_cluster);

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
