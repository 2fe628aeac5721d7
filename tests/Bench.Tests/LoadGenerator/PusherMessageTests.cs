using Broadcaster.Bench.Baseline;
using Broadcaster.Bench.Framing;
using Broadcaster.Bench.LoadGenerator;
using Broadcaster.Protocol.Frames;
using Broadcaster.Protocol.Presence;

namespace Broadcaster.Bench.Tests.LoadGenerator;

/// <summary>The load generator reads the bytes our server and the baseline really write.</summary>
public class PusherMessageTests
{
    [Fact]
    public void Our_servers_messages_are_told_apart()
    {
        Assert.Equal(PusherMessageKind.ConnectionEstablished, PusherMessage.Classify(ServerFrames.ConnectionEstablished("1.2", 120)));
        Assert.Equal(PusherMessageKind.SubscriptionSucceeded, PusherMessage.Classify(ServerFrames.SubscriptionSucceeded("c")));
        Assert.Equal(PusherMessageKind.SubscriptionSucceeded, PusherMessage.Classify(ServerFrames.PresenceSubscriptionSucceeded("presence-c", [])));
        Assert.Equal(PusherMessageKind.MemberAdded, PusherMessage.Classify(ServerFrames.MemberAdded("presence-c", new PresenceMember("u", "{}"))));
        Assert.Equal(PusherMessageKind.MemberRemoved, PusherMessage.Classify(ServerFrames.MemberRemoved("presence-c", "u")));
        Assert.Equal(PusherMessageKind.Ping, PusherMessage.Classify(ServerFrames.Ping));
        Assert.Equal(PusherMessageKind.Error, PusherMessage.Classify(ServerFrames.Error(4100, "Over capacity")));
        Assert.Equal(PusherMessageKind.Bench, PusherMessage.Classify(ServerFrames.ChannelEvent(BenchPayload.EventName, "c", "1.2.3.")));
        Assert.Equal(PusherMessageKind.Other, PusherMessage.Classify(ServerFrames.ChannelEvent("benchmark", "c", "1.2.3.")));
        Assert.Equal(PusherMessageKind.Other, PusherMessage.Classify(ServerFrames.Pong));
        Assert.Equal(PusherMessageKind.Other, PusherMessage.Classify("not json"u8));
    }

    [Fact]
    public void The_baselines_messages_read_like_ours()
    {
        Assert.Equal(PusherMessageKind.ConnectionEstablished, PusherMessage.Classify(Payload(BaselineFrames.ConnectionEstablished("7.8"))));
        Assert.Equal(PusherMessageKind.SubscriptionSucceeded, PusherMessage.Classify(Payload(BaselineFrames.SubscriptionSucceeded("c"))));
        Assert.True(PusherMessage.TryReadSocketId(Payload(BaselineFrames.ConnectionEstablished("7.8")), out var id));
        Assert.Equal("7.8", id);
        var data = BenchPayload.Build(3, 4, 5, 100);
        Assert.True(BenchPayload.TryRead(Payload(BaselineFrames.Event(BenchPayload.EventName, "c", data)), out var phase, out var seq, out var at));
        Assert.Equal((3, 4, 5L), (phase, seq, at));
    }

    [Fact]
    public void The_socket_id_and_the_error_code_are_read()
    {
        Assert.True(PusherMessage.TryReadSocketId(ServerFrames.ConnectionEstablished("123.456", 120), out var id));
        Assert.Equal("123.456", id);
        Assert.False(PusherMessage.TryReadSocketId(ServerFrames.Pong, out _));
        Assert.Equal(4100, PusherMessage.ReadErrorCode(ServerFrames.Error(4100, "Over capacity")));
        Assert.Equal(0, PusherMessage.ReadErrorCode(ServerFrames.Error(null, "no code")));
    }

    private static byte[] Payload(byte[] frame)
    {
        Assert.True(FrameHeader.TryRead(frame, out var header));
        return frame[header.HeaderLength..];
    }
}
