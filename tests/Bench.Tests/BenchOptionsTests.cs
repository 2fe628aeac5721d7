namespace Broadcaster.Bench.Tests;

public class BenchOptionsTests
{
    [Fact]
    public void The_soak_runs_five_minutes_unless_told_otherwise()
    {
        var options = BenchOptions.Parse(["--soak"]);
        Assert.True(options.Soak);
        Assert.Equal(5, options.Minutes);
        Assert.Equal(1, BenchOptions.Parse(["--soak", "--minutes", "1"]).Minutes);
    }

    [Fact]
    public void The_fuzz_run_starts_from_the_fuzz_tests_seed_and_takes_cases_seed_and_parallel()
    {
        var options = BenchOptions.Parse(["--fuzz"]);
        Assert.Equal((5_000, 20261201, 8), (options.Cases, options.Seed, options.Parallel));

        options = BenchOptions.Parse(["--fuzz", "--cases", "20000", "--seed", "-3", "--parallel", "2"]);
        Assert.True(options.Fuzz);
        Assert.Equal((20_000, -3, 2), (options.Cases, options.Seed, options.Parallel));
    }

    [Theory]
    [InlineData("--soak --fuzz", "separate modes")]
    [InlineData("--soak --smoke", "separate modes")]
    [InlineData("--soak --runs 2", "--soak takes no --runs")]
    [InlineData("--fuzz --minutes 3", "--fuzz takes no --minutes")]
    [InlineData("--smoke --scenario idle", "--smoke takes no --scenario")]
    [InlineData("--minutes 3", "--minutes goes with --soak")]
    [InlineData("--seed 3", "--seed goes with --fuzz")]
    [InlineData("--fuzz --cases 0", "--cases: expected a positive integer")]
    [InlineData("--fuzz --seed x", "--seed: expected an integer")]
    public void Options_of_another_mode_are_refused_with_a_reason(string args, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => BenchOptions.Parse(args.Split(' ')));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void The_smoke_run_is_one_run_of_fanout_and_idle()
    {
        var options = BenchOptions.Parse(["--smoke"]);
        Assert.Equal(1, options.Runs);
        Assert.Equal(["fanout", "idle"], options.Scenarios);
    }

    [Fact]
    public void The_dashboard_scenario_is_named_and_part_of_all()
    {
        Assert.Equal(["channels", "dashboard"], BenchOptions.Parse(["--scenario", "dashboard,channels"]).Scenarios);
        Assert.Contains("dashboard", BenchOptions.Parse([]).Scenarios);
    }
}
