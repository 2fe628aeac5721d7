using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace Broadcaster.Fuzzing;

/// <summary>
/// A seeded generator of hostile WebSocket traffic for a Pusher server: valid Pusher frames mutated at the JSON level
/// (wrong types for every field, missing and huge values, deep nesting, truncation, unknown events, huge channel names),
/// and at the WebSocket level (invalid UTF-8, binary, fragments with and without their end, unmasked frames, reserved
/// bits, oversized and lying lengths, long control frames, garbage bytes, thousands of subscriptions). The same seed
/// gives the same moves (the masks aside, which change nothing a server may look at).
/// </summary>
public sealed class PusherFrameFuzzer(int seed)
{
    private readonly Random _random = new(seed);

    private static readonly string[] Templates =
    [
        """{"event":"pusher:ping","data":{}}""",
        """{"event":"pusher:subscribe","data":{"channel":"fuzz-public"}}""",
        """{"event":"pusher:subscribe","data":{"channel":"private-fuzz","auth":"app-key:0000"}}""",
        """{"event":"pusher:subscribe","data":{"channel":"presence-fuzz","auth":"app-key:0000","channel_data":"{\"user_id\":\"1\",\"user_info\":{}}"}}""",
        """{"event":"pusher:subscribe","data":{"channel":"cache-fuzz"}}""",
        """{"event":"pusher:unsubscribe","data":{"channel":"fuzz-public"}}""",
        """{"event":"client-typing","channel":"private-fuzz","data":{"typing":true}}""",
        """{"event":"pusher:signin","data":{"auth":"app-key:0000","user_data":"{\"id\":\"1\"}"}}""",
        """{"event":"pusher:pong","data":{}}""",
        """{"event":"some-unknown-event","data":"x"}""",
    ];

    private static readonly string[] Fields = ["event", "data", "channel", "data.channel", "data.auth", "data.channel_data", "data.user_data"];

    /// <summary>One connection's worth of moves: one to eight.</summary>
    public IReadOnlyList<FuzzMove> NextCase() => Enumerable.Range(0, _random.Next(1, 9)).Select(_ => NextMove()).ToList();

    private FuzzMove NextMove() => _random.Next(100) switch
    {
        < 55 => Text(MutatedJson()),
        < 62 => Text(Templates[_random.Next(Templates.Length)], "valid"),
        < 65 => new FuzzMove("invalid UTF-8 text", Frame(0x1, [(byte)'{', 0xC3, 0x28, (byte)'}'])),
        < 67 => new FuzzMove("binary frame", Frame(0x2, Bytes(_random.Next(0, 64)))),
        < 70 => Fragmented(),
        < 72 => new FuzzMove("continuation without a start", Frame(0x0, "x"u8.ToArray())),
        < 74 => new FuzzMove("unmasked text frame", Frame(0x1, Encoding.UTF8.GetBytes(Templates[0]), mask: false)),
        < 76 => new FuzzMove("reserved bits set", Frame(0x1, Encoding.UTF8.GetBytes(Templates[0]), rsv: _random.Next(1, 8))),
        < 78 => new FuzzMove("ping longer than 125 bytes", Frame(0x9, Bytes(200))),
        < 80 => new FuzzMove("length of 2^40 with no payload", LyingLength()),
        < 82 => new FuzzMove("text frame over the message limit", Frame(0x1, Encoding.UTF8.GetBytes($$"""{"event":"x","data":"{{new string('a', 70_000)}}"}"""))),
        < 85 => new FuzzMove("garbage bytes", Bytes(_random.Next(1, 300))),
        < 87 => new FuzzMove("close with a random payload", Frame(0x8, Bytes(_random.Next(0, 30)))),
        < 89 => new FuzzMove("unknown opcode", Frame(_random.Next(3, 8), Bytes(4))),
        < 92 => ManySubscriptions(),
        < 95 => new FuzzMove("ping frame", Frame(0x9, Bytes(_random.Next(0, 125)))),
        _ => new FuzzMove("pong frame", Frame(0xA, Bytes(_random.Next(0, 20)))),
    };

    private FuzzMove Text(string json, string? what = null) =>
        new($"text {what ?? "mutated"}: {Shorten(json)}", Frame(0x1, Encoding.UTF8.GetBytes(json)));

    private string MutatedJson()
    {
        var template = Templates[_random.Next(Templates.Length)];
        switch (_random.Next(10))
        {
            case 0:
                return template[.._random.Next(template.Length)];
            case 1:
                return new string('[', _random.Next(1, 3000)) + new string(']', _random.Next(0, 3000));
            case 2:
                return $"[{template}]";
            case 3:
                return Encoding.UTF8.GetString(Bytes(_random.Next(1, 100)));
        }
        var root = JsonNode.Parse(template)!.AsObject();
        var mutations = _random.Next(1, 4);
        for (var i = 0; i < mutations; i++)
        {
            var path = Fields[_random.Next(Fields.Length)].Split('.');
            var parent = path.Length == 1 ? root : root[path[0]] as JsonObject ?? (JsonObject)(root[path[0]] = new JsonObject());
            if (_random.Next(5) == 0) parent.Remove(path[^1]);
            else parent[path[^1]] = RandomValue();
        }
        return root.ToJsonString();
    }

    private JsonNode? RandomValue() => _random.Next(12) switch
    {
        0 => null,
        1 => JsonValue.Create(_random.Next(2) == 0),
        2 => JsonValue.Create(_random.NextDouble() * 1e12 - 5e11),
        3 => new JsonArray(JsonValue.Create(1), JsonValue.Create("x")),
        4 => new JsonObject { ["channel"] = "fuzz", ["n"] = 1 },
        5 => "",
        6 => new string('c', _random.Next(150, 5000)),
        7 => "presence-" + new string('p', _random.Next(190, 400)),
        8 => "private-encrypted-fuzz",
        9 => "\u0000\u0001\ud83d\ude00\u202e",
        10 => Nested(_random.Next(2, 200)),
        _ => "#server-to-user-1",
    };

    private static JsonNode Nested(int depth)
    {
        JsonNode node = new JsonArray();
        for (var i = 0; i < depth; i++) node = new JsonArray(node);
        return node;
    }

    private FuzzMove Fragmented()
    {
        var text = Encoding.UTF8.GetBytes(Templates[_random.Next(Templates.Length)]);
        var cut = _random.Next(1, text.Length);
        var first = Frame(0x1, text[..cut], fin: false);
        var rest = Frame(0x0, text[cut..]);
        return _random.Next(4) switch
        {
            0 => new FuzzMove("fragmented text, a ping between the fragments", [.. first, .. Frame(0x9, "p"u8.ToArray()), .. rest]),
            1 => new FuzzMove("fragmented text, then a new text frame before its end", [.. first, .. Frame(0x1, text)]),
            2 => new FuzzMove("fragmented text without its end", first),
            _ => new FuzzMove("fragmented text", [.. first, .. rest]),
        };
    }

    private FuzzMove ManySubscriptions()
    {
        var count = _random.Next(200, 2000);
        var bytes = new List<byte>();
        for (var i = 0; i < count; i++) bytes.AddRange(Frame(0x1, Encoding.UTF8.GetBytes("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"many-" + i + "\"}}")));
        return new FuzzMove($"{count} subscriptions in a row", [.. bytes]);
    }

    private byte[] LyingLength()
    {
        var frame = new byte[14];
        frame[0] = 0x81;
        frame[1] = 0x80 | 127;
        BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), 1UL << 40);
        return frame;
    }

    private byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Frame(int opcode, byte[] payload, bool fin = true, bool mask = true, int rsv = 0) =>
        FrameBytes.Encode(opcode, payload, fin, mask, rsv);

    private static string Shorten(string s) => s.Length <= 120 ? s : $"{s[..120]}… ({s.Length} chars)";
}
