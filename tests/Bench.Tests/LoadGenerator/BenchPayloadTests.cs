using Broadcaster.Bench.LoadGenerator;
using Broadcaster.Protocol.Frames;

namespace Broadcaster.Bench.Tests.LoadGenerator;

public class BenchPayloadTests
{
    [Fact]
    public void Phase_sequence_and_timestamp_come_back_from_our_servers_event_frame()
    {
        var data = BenchPayload.Build(12, 3456, 987654321012, 100);

        Assert.Equal(100, data.Length);
        Assert.True(BenchPayload.TryRead(ServerFrames.ChannelEvent(BenchPayload.EventName, "fanout", data), out var phase, out var seq, out var sent));
        Assert.Equal((12, 3456, 987654321012L), (phase, seq, sent));
    }

    [Fact]
    public void Data_longer_than_the_size_is_not_cut()
    {
        var data = BenchPayload.Build(1, 2, 3, 4);

        Assert.Equal("1.2.3.", data);
    }

    [Theory]
    [InlineData("""{"event":"bench","channel":"c","data":"hello"}""")]
    [InlineData("""{"event":"bench","channel":"c","data":"1.2"}""")]
    [InlineData("""{"event":"bench","channel":"c","data":"1.2.3"}""")]
    [InlineData("""{"event":"bench","channel":"c"}""")]
    public void Other_data_is_not_read_as_a_benchmark_event(string json)
    {
        Assert.False(BenchPayload.TryRead(System.Text.Encoding.UTF8.GetBytes(json), out _, out _, out _));
    }
}
