using Broadcaster.Bench.Fuzz;
using Broadcaster.Fuzzing;

namespace Broadcaster.Bench.Tests.Fuzz;

public class FuzzFailureTests
{
    [Fact]
    public void A_failure_names_the_case_and_its_seed_and_how_to_repeat_it_alone()
    {
        var moves = new PusherFrameFuzzer(20261300).NextCase();

        var text = new FuzzFailure(99, 20261300, "a masked frame from the server", moves).Describe();

        Assert.StartsWith("fuzz case 99 (seed 20261300) failed: a masked frame from the server", text);
        Assert.Contains("Broadcaster.Bench --fuzz --seed 20261300 --cases 1", text);
        Assert.Contains("BROADCASTER_FUZZ_SEED=20261300 BROADCASTER_FUZZ_CASES=1", text);
        Assert.Contains(moves[0].Description, text);
    }

    [Fact]
    public void The_same_seed_gives_the_same_moves_in_the_tool_as_in_the_test()
    {
        var first = new PusherFrameFuzzer(7).NextCase().Select(m => m.Description);
        var again = new PusherFrameFuzzer(7).NextCase().Select(m => m.Description);
        Assert.Equal(first, again);
    }
}
