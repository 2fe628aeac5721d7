using System.Diagnostics;
using Broadcaster.Bench.LoadGenerator;
using Broadcaster.Bench.Measure;

namespace Broadcaster.Bench.Scenarios;

/// <summary>
/// The clients of the presence scenario: watchers (indexes below <c>watchers</c>) stay members of one presence
/// channel and count the member events about churners; each churner, when started, subscribes as its own user,
/// and unsubscribes as soon as its <c>subscription_succeeded</c> arrives, which ends its cycle.
/// </summary>
public sealed class PresenceChurn(int watchers, int churners) : ClientListener
{
    public const string Channel = "presence-churn";
    private static readonly double TicksPerMicrosecond = Stopwatch.Frequency / 1_000_000.0;
    private static readonly byte[] Unsubscribe = SubscribeMessages.Unsubscribe(Channel);

    private readonly byte[]?[] _subscribe = new byte[]?[watchers + churners];
    private readonly int[] _busy = new int[watchers + churners];
    private readonly ThreadLocal<LatencyHistogram> _latency = new(() => new LatencyHistogram(), trackAllValues: true);
    private long _cycles;
    private long _memberEvents;
    private int _cursor = -1;

    public long Cycles => Interlocked.Read(ref _cycles);

    /// <summary>member_added and member_removed about churners, received by watchers.</summary>
    public long MemberEvents => Interlocked.Read(ref _memberEvents);

    /// <summary>Churners in a cycle right now.</summary>
    public int Busy
    {
        get
        {
            var busy = 0;
            for (var i = 0; i < _busy.Length; i++) busy += Volatile.Read(ref _busy[i]);
            return busy;
        }
    }

    /// <summary>Subscribe time (sent to subscription_succeeded) of every churn cycle.</summary>
    public LatencyHistogram Latency()
    {
        var all = new LatencyHistogram();
        foreach (var h in _latency.Values) all.Add(h);
        return all;
    }

    /// <summary>The signed subscribe of <paramref name="client"/> (socket id known once it is connected).</summary>
    public byte[] Prepare(ClientSocket client, BenchApp app)
    {
        var userId = client.Index < watchers ? $"watcher-{client.Index}" : $"churner-{client.Index}";
        var message = SubscribeMessages.Presence(app, client.SocketId, Channel, userId);
        _subscribe[client.Index] = message;
        return message;
    }

    /// <summary>Starts a cycle on the next churner that is not in one; false when every churner is busy.</summary>
    public bool TryStartCycle(IReadOnlyList<ClientSocket> churnerClients)
    {
        for (var tried = 0; tried < churnerClients.Count; tried++)
        {
            var client = churnerClients[(int)((uint)Interlocked.Increment(ref _cursor) % churnerClients.Count)];
            if (client.IsClosed || Interlocked.CompareExchange(ref _busy[client.Index], 1, 0) != 0) continue;
            client.SubscribeSentAt = Stopwatch.GetTimestamp();
            client.SendText(_subscribe[client.Index]);
            return true;
        }
        return false;
    }

    public override void OnSubscribed(ClientSocket client, long receivedAt)
    {
        if (client.Index < watchers || Volatile.Read(ref _busy[client.Index]) == 0) return;
        _latency.Value!.Record((long)((receivedAt - client.SubscribeSentAt) / TicksPerMicrosecond));
        client.SendText(Unsubscribe);
        Interlocked.Increment(ref _cycles);
        Volatile.Write(ref _busy[client.Index], 0);
    }

    public override void OnMember(ClientSocket client, bool added, ReadOnlySpan<byte> json)
    {
        // The user id sits in the data string, so its quotes are escaped.
        if (client.Index < watchers && json.IndexOf("user_id\\\":\\\"churner-"u8) >= 0) Interlocked.Increment(ref _memberEvents);
    }
}
