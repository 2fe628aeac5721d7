namespace Broadcaster.Actors.Wire;

/// <summary>Asked of every node's dashboard relay while a dashboard is open; answered with <see cref="NodeLoad"/>.</summary>
public sealed record NodeLoadQuery : IWireMessage
{
    public static NodeLoadQuery Instance { get; } = new();
}

/// <summary>One node's live figures per app; counters are totals since the node started (the asker derives rates).</summary>
/// <param name="Node">The node's cluster address as <c>host:port</c>.</param>
/// <param name="State">
/// Whether the node serves clients: <see cref="Starting"/> until it has been ready once, <see cref="Serving"/>, or
/// <see cref="Draining"/> once it stops (its clients are told to reconnect elsewhere; it leaves the cluster after). The
/// cluster's member status alone says Up for all three.
/// </param>
public sealed record NodeLoad(string Node, IReadOnlyList<AppLoad> Apps, string State = NodeLoad.Serving) : IWireMessage
{
    public const string Starting = "starting";
    public const string Serving = "serving";
    public const string Draining = "draining";
}

/// <param name="Channels">The app's channels with a subscriber on the node.</param>
/// <param name="ApiCalls">HTTP API requests the node answered for the app (triggers, queries, terminations).</param>
public sealed record AppLoad(string AppId, int Connections, int Channels, long WebSocketMessagesIn, long WebSocketMessagesOut, long ApiCalls);

/// <summary>
/// Published every few seconds by a node with a dashboard open: every node that hears it sends its live log for a
/// while. With no dashboard open anywhere, no node collects or sends a log entry.
/// </summary>
public sealed record DashboardWatch(string Node) : IWireMessage;

/// <summary>One node's live log entries of a short window, at most a fixed number; <paramref name="Dropped"/> counts the rest.</summary>
public sealed record LiveLogBatch(string Node, IReadOnlyList<ActivityEntry> Entries, int Dropped) : IWireMessage;

/// <summary>One line of the live log: a connection, subscription, sign-in, client event or API event on some node.</summary>
/// <param name="Kind">connected, disconnected, subscribed, unsubscribed, subscription_refused, signed_in, client_event, api_event.</param>
/// <param name="Text">The readable line, as <c>--debug</c> logs it.</param>
public sealed record ActivityEntry(long TimeMs, string AppId, string Kind, string? SocketId, string? Channel, string? Event, string Text);
