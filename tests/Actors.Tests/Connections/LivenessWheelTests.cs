using Broadcaster.Actors.Connections;
using Broadcaster.Actors.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Broadcaster.Actors.Tests.Connections;

/// <summary>The node's one timer for connection deadlines, on fake time.</summary>
public sealed class LivenessWheelTests : ActorTestBase
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_message_arrives_once_its_delay_has_passed_and_not_before()
    {
        using var wheel = new LivenessWheel(_time, TimeSpan.FromMilliseconds(400));
        var probe = CreateTestProbe();

        wheel.Schedule(probe.Ref, "due", TimeSpan.FromSeconds(2));
        _time.Advance(TimeSpan.FromSeconds(1.9));
        wheel.Schedule(probe.Ref, "marker", TimeSpan.Zero);
        _time.Advance(wheel.Tick);
        probe.ExpectMsg("marker");

        _time.Advance(TimeSpan.FromSeconds(0.1));
        probe.ExpectMsg("due");
    }

    [Fact]
    public void Delays_longer_than_a_turn_of_the_wheel_wait_for_their_turn()
    {
        using var wheel = new LivenessWheel(_time, TimeSpan.FromMilliseconds(400));
        var probe = CreateTestProbe();
        var turn = wheel.Tick * 4096;

        wheel.Schedule(probe.Ref, "late", turn + TimeSpan.FromSeconds(1));
        _time.Advance(turn);
        wheel.Schedule(probe.Ref, "marker", TimeSpan.Zero);
        _time.Advance(wheel.Tick);
        probe.ExpectMsg("marker");

        _time.Advance(TimeSpan.FromSeconds(1));
        probe.ExpectMsg("late");
    }

    [Fact]
    public void Many_connections_due_at_once_all_get_their_message_after_a_long_pause()
    {
        using var wheel = new LivenessWheel(_time, TimeSpan.FromMilliseconds(400));
        var probes = Enumerable.Range(0, 50).Select(_ => CreateTestProbe()).ToList();
        foreach (var (probe, i) in probes.Select((p, i) => (p, i))) wheel.Schedule(probe.Ref, i, TimeSpan.FromMilliseconds(100 * i));

        // One jump over all the deadlines, as when the machine was too busy to tick.
        _time.Advance(TimeSpan.FromSeconds(10));

        foreach (var (probe, i) in probes.Select((p, i) => (p, i))) probe.ExpectMsg(i);
    }

    [Fact]
    public void Slots_let_their_lists_go_once_everything_in_them_has_fired()
    {
        using var wheel = new LivenessWheel(_time, TimeSpan.FromMilliseconds(400));
        var probe = CreateTestProbe();
        // A storm: thousands of deadlines in a few slots, then another turn's worth in one more.
        for (var i = 0; i < 3000; i++) wheel.Schedule(probe.Ref, i, wheel.Tick * (1 + i % 3));
        wheel.Schedule(probe.Ref, "later", wheel.Tick * 4200);
        Assert.Equal(4, wheel.SlotsHeld);

        _time.Advance(wheel.Tick * 4);
        for (var i = 0; i < 3000; i++) probe.ExpectMsg<int>();
        // Only the slot still holding a deadline keeps a list.
        Assert.Equal(1, wheel.SlotsHeld);

        _time.Advance(wheel.Tick * 4200);
        probe.ExpectMsg("later");
        Assert.Equal(0, wheel.SlotsHeld);
    }

    [Fact]
    public void A_disposed_wheel_fires_nothing()
    {
        var wheel = new LivenessWheel(_time, TimeSpan.FromMilliseconds(400));
        var probe = CreateTestProbe();
        wheel.Schedule(probe.Ref, "never", TimeSpan.FromSeconds(1));

        wheel.Dispose();
        _time.Advance(TimeSpan.FromSeconds(5));

        wheel.Schedule(probe.Ref, "never either", TimeSpan.Zero);
        _time.Advance(TimeSpan.FromSeconds(1));
        // The fake clock fires timers inside Advance and a Tell to a probe is queued at once: nothing came.
        Assert.False(probe.HasMessages);
    }
}
