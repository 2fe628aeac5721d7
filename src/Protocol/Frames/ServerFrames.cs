using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Broadcaster.Protocol.Presence;

namespace Broadcaster.Protocol.Frames;

/// <summary>
/// Builds the UTF-8 bytes of every frame the server sends. <c>pusher:*</c> and <c>pusher_internal:*</c>
/// data is a JSON-encoded string (PROTOCOL.md 1.2), except <c>pusher:error</c> which carries an object.
/// </summary>
public static class ServerFrames
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly byte[] Pong = Build(w => { w.WriteString("event", "pusher:pong"); WriteEmptyObject(w, "data"); });
    public static readonly byte[] Ping = Build(w => { w.WriteString("event", "pusher:ping"); WriteEmptyObject(w, "data"); });

    public static byte[] ConnectionEstablished(string socketId, int activityTimeoutSeconds) =>
        Build(w =>
        {
            w.WriteString("event", "pusher:connection_established");
            w.WriteString("data", Inner(i =>
            {
                i.WriteString("socket_id", socketId);
                i.WriteNumber("activity_timeout", activityTimeoutSeconds);
            }));
        });

    public static byte[] Error(int? code, string message, string? channel = null) =>
        Build(w =>
        {
            w.WriteString("event", "pusher:error");
            if (channel is not null) w.WriteString("channel", channel);
            w.WriteStartObject("data");
            if (code is { } c) w.WriteNumber("code", c); else w.WriteNull("code");
            w.WriteString("message", message);
            w.WriteEndObject();
        });

    public static byte[] SubscriptionSucceeded(string channel) =>
        Build(w =>
        {
            w.WriteString("event", "pusher_internal:subscription_succeeded");
            w.WriteString("channel", channel);
            w.WriteString("data", "{}");
        });

    public static byte[] PresenceSubscriptionSucceeded(string channel, IReadOnlyCollection<PresenceMember> members) =>
        Build(w =>
        {
            w.WriteString("event", "pusher_internal:subscription_succeeded");
            w.WriteString("channel", channel);
            w.WriteString("data", Inner(i =>
            {
                i.WriteStartObject("presence");
                i.WriteStartArray("ids");
                foreach (var m in members) i.WriteStringValue(m.UserId);
                i.WriteEndArray();
                i.WriteStartObject("hash");
                foreach (var m in members)
                {
                    i.WritePropertyName(m.UserId);
                    i.WriteRawValue(m.UserInfoJson, skipInputValidation: true);
                }
                i.WriteEndObject();
                i.WriteNumber("count", members.Count);
                i.WriteEndObject();
            }));
        });

    public static byte[] MemberAdded(string channel, PresenceMember member) =>
        Build(w =>
        {
            w.WriteString("event", "pusher_internal:member_added");
            w.WriteString("channel", channel);
            w.WriteString("data", Inner(i =>
            {
                i.WriteString("user_id", member.UserId);
                i.WritePropertyName("user_info");
                i.WriteRawValue(member.UserInfoJson, skipInputValidation: true);
            }));
        });

    public static byte[] MemberRemoved(string channel, string userId) =>
        Build(w =>
        {
            w.WriteString("event", "pusher_internal:member_removed");
            w.WriteString("channel", channel);
            w.WriteString("data", Inner(i => i.WriteString("user_id", userId)));
        });

    /// <summary>A refused subscription, reported on the channel so Laravel Echo's <c>.error()</c> sees it (2.9).</summary>
    public static byte[] SubscriptionError(string channel, string type, string error, int status) =>
        Build(w =>
        {
            w.WriteString("event", "pusher:subscription_error");
            w.WriteString("channel", channel);
            w.WriteStartObject("data");
            w.WriteString("type", type);
            w.WriteString("error", error);
            w.WriteNumber("status", status);
            w.WriteEndObject();
        });

    /// <summary>An event triggered through the HTTP API: <paramref name="data"/> is passed through as the same string.</summary>
    public static byte[] ChannelEvent(string eventName, string channel, string data) =>
        Build(w =>
        {
            w.WriteString("event", eventName);
            w.WriteString("channel", channel);
            w.WriteString("data", data);
        });

    /// <summary>A relayed client event: <paramref name="rawData"/> is the sender's JSON value, unchanged in type.</summary>
    public static byte[] ClientEvent(string eventName, string channel, string? rawData, string? userId) =>
        Build(w =>
        {
            w.WriteString("event", eventName);
            w.WriteString("channel", channel);
            if (rawData is not null)
            {
                w.WritePropertyName("data");
                w.WriteRawValue(rawData, skipInputValidation: true);
            }
            if (userId is not null) w.WriteString("user_id", userId);
        });

    public static byte[] SigninSuccess(string userData) =>
        Build(w =>
        {
            w.WriteString("event", "pusher:signin_success");
            w.WriteStartObject("data");
            w.WriteString("user_data", userData);
            w.WriteEndObject();
        });

    /// <summary>
    /// <c>pusher_internal:watchlist_events</c> (PROTOCOL.md 5.4): <c>data</c> a JSON string of <c>{"events":[...]}</c>,
    /// an <c>online</c> and an <c>offline</c> entry, each left out when it has no id. No <c>channel</c>.
    /// </summary>
    public static byte[] WatchlistEvents(IReadOnlyList<string> online, IReadOnlyList<string> offline) =>
        Build(w =>
        {
            w.WriteString("event", "pusher_internal:watchlist_events");
            w.WriteString("data", Inner(i =>
            {
                i.WriteStartArray("events");
                foreach (var (name, ids) in new[] { ("online", online), ("offline", offline) })
                {
                    if (ids.Count == 0) continue;
                    i.WriteStartObject();
                    i.WriteString("name", name);
                    i.WriteStartArray("user_ids");
                    foreach (var id in ids) i.WriteStringValue(id);
                    i.WriteEndArray();
                    i.WriteEndObject();
                }
                i.WriteEndArray();
            }));
        });

    /// <summary>
    /// <c>pusher_internal:subscription_count</c> (PROTOCOL.md 2.10): <c>data</c> a JSON string of
    /// <c>{"subscription_count":n}</c>.
    /// </summary>
    public static byte[] SubscriptionCount(string channel, int count) =>
        Build(w =>
        {
            w.WriteString("event", "pusher_internal:subscription_count");
            w.WriteString("channel", channel);
            w.WriteString("data", Inner(i => i.WriteNumber("subscription_count", count)));
        });

    public static byte[] CacheMiss(string channel) =>
        Build(w =>
        {
            w.WriteString("event", "pusher:cache_miss");
            w.WriteString("channel", channel);
        });

    private static void WriteEmptyObject(Utf8JsonWriter w, string name)
    {
        w.WriteStartObject(name);
        w.WriteEndObject();
    }

    private static byte[] Build(Action<Utf8JsonWriter> body)
    {
        var depth = Scratch.Enter(out var scratch);
        try
        {
            return scratch.Write(body).ToArray();
        }
        finally
        {
            Scratch.Leave(depth);
        }
    }

    private static string Inner(Action<Utf8JsonWriter> body)
    {
        var depth = Scratch.Enter(out var scratch);
        try
        {
            return System.Text.Encoding.UTF8.GetString(scratch.Write(body));
        }
        finally
        {
            Scratch.Leave(depth);
        }
    }

    /// <summary>
    /// A writer and its buffer, kept per thread and per nesting level (a frame's data string is built inside the
    /// frame): every connection's <c>connection_established</c> and every subscription's answer would otherwise
    /// allocate both, and a connection storm would be mostly that garbage.
    /// </summary>
    private sealed class Scratch
    {
        private const int Levels = 4;
        private const int KeptCapacity = 64 * 1024;

        [ThreadStatic] private static Scratch?[]? _perLevel;
        [ThreadStatic] private static int _depth;

        private readonly ArrayBufferWriter<byte> _buffer = new(256);
        private readonly Utf8JsonWriter _writer;

        private Scratch() => _writer = new Utf8JsonWriter(_buffer, Options);

        /// <summary>This thread's scratch for the current level (a fresh one past the kept levels); returns the level to restore.</summary>
        public static int Enter(out Scratch scratch)
        {
            var depth = _depth;
            var levels = _perLevel ??= new Scratch?[Levels];
            scratch = depth < Levels ? levels[depth] ??= new Scratch() : new Scratch();
            _depth = depth + 1;
            return depth;
        }

        public static void Leave(int depth)
        {
            // A buffer grown by one huge frame is not kept for the rest of the thread's life.
            if (depth < Levels && _perLevel![depth]!._buffer.Capacity > KeptCapacity) _perLevel[depth] = null;
            _depth = depth;
        }

        /// <summary>The object <paramref name="body"/> writes, valid until this level is entered again.</summary>
        public ReadOnlySpan<byte> Write(Action<Utf8JsonWriter> body)
        {
            _buffer.ResetWrittenCount();
            _writer.Reset(_buffer);
            _writer.WriteStartObject();
            body(_writer);
            _writer.WriteEndObject();
            _writer.Flush();
            return _buffer.WrittenSpan;
        }
    }
}
