using System.Text;
using System.Text.Json;
using Akka.TestKit;
using Xunit;

namespace Broadcaster.Actors.Tests.Support;

/// <summary>A server frame parsed back: <see cref="DataJson"/> undoes the string encoding of <c>data</c>.</summary>
public sealed class Frame
{
    private Frame(string raw, string @event, string? channel, JsonElement? data, string? userId)
    {
        Raw = raw;
        Event = @event;
        Channel = channel;
        Data = data;
        UserId = userId;
    }

    public string Raw { get; }
    public string Event { get; }
    public string? Channel { get; }
    public JsonElement? Data { get; }
    public string? UserId { get; }

    public bool DataIsString => Data is { ValueKind: JsonValueKind.String };

    /// <summary>The data as JSON: parsed from its string form when it is a string.</summary>
    public JsonElement DataJson
    {
        get
        {
            var data = Data ?? throw new InvalidOperationException($"frame has no data: {Raw}");
            if (data.ValueKind != JsonValueKind.String) return data;
            using var doc = JsonDocument.Parse(data.GetString()!);
            return doc.RootElement.Clone();
        }
    }

    public static Frame Parse(ReadOnlyMemory<byte> bytes)
    {
        var raw = Encoding.UTF8.GetString(bytes.Span);
        using var doc = JsonDocument.Parse(bytes);
        var root = doc.RootElement;
        return new Frame(
            raw,
            root.GetProperty("event").GetString()!,
            root.TryGetProperty("channel", out var c) ? c.GetString() : null,
            root.TryGetProperty("data", out var d) ? d.Clone() : null,
            root.TryGetProperty("user_id", out var u) ? u.GetString() : null);
    }

    public override string ToString() => Raw;
}

public static class ProbeExtensions
{
    /// <summary>
    /// A frame normally arrives within milliseconds; the bound is for a loaded CI machine, where the in-process cluster
    /// tests run beside these and a 3 s bound was seen to run out now and then.
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The next thing the socket saw must be a frame with this event.</summary>
    public static Frame ExpectFrame(this TestProbe probe, string expectedEvent, TimeSpan? timeout = null)
    {
        var msg = probe.ExpectMsg<object>(timeout ?? DefaultTimeout);
        if (msg is not SentFrame sent) throw new Xunit.Sdk.XunitException($"expected frame '{expectedEvent}', got {msg}");
        var frame = sent.Parse();
        Assert.True(frame.Event == expectedEvent, $"expected frame '{expectedEvent}', got {frame.Raw}");
        return frame;
    }

    /// <summary>The next thing the socket saw must be a frame; returns it together with its bytes.</summary>
    public static SentFrame ExpectSent(this TestProbe probe, TimeSpan? timeout = null)
    {
        var msg = probe.ExpectMsg<object>(timeout ?? DefaultTimeout);
        return msg as SentFrame ?? throw new Xunit.Sdk.XunitException($"expected a frame, got {msg}");
    }

    /// <summary>The next thing the socket saw must be a Close with this code.</summary>
    public static CloseCall ExpectClose(this TestProbe probe, int code, TimeSpan? timeout = null)
    {
        var msg = probe.ExpectMsg<object>(timeout ?? DefaultTimeout);
        if (msg is not CloseCall close) throw new Xunit.Sdk.XunitException($"expected Close({code}), got {msg}");
        Assert.Equal(code, close.Code);
        return close;
    }

    public static int ErrorCode(this Frame frame) => frame.DataJson.GetProperty("code").GetInt32();
}
