namespace Broadcaster.Bench.Soak;

/// <summary>
/// Whether a soak run passed: nothing lost, duplicated, refused or closed by the node, everything given back at the
/// end (sockets, channels, subscriptions, presence members, descriptors), and no slope beyond <see cref="SoakLimits"/>.
/// The first kind is unambiguous at any length; the slopes are judged against bounds wide enough for the noise of
/// the run's length.
/// </summary>
public static class SoakVerdict
{
    public static IReadOnlyList<string> Failures(SoakOutcome o, SoakLimits limits)
    {
        var failures = new List<string>();
        void Zero(string what, long value)
        {
            if (value != 0) failures.Add($"{what}: {value:#,0} (must be 0)");
        }

        var steady = o.Steady;
        if (steady.Accepted == 0) failures.Add("steady fan-out: no event accepted");
        Zero("steady fan-out: deliveries lost", steady.Tally.Lost);
        Zero("steady fan-out: deliveries duplicated", steady.Tally.Duplicates);
        Zero("steady fan-out: subscribers closed by the node", steady.Tally.ClosedClients);
        Zero("steady fan-out: triggers refused", steady.FailedTriggers);

        var waves = o.Waves;
        if (waves.Waves == 0) failures.Add("connection churn: no wave completed");
        Zero($"connection churn: waves that failed (first: {waves.FirstError})", waves.Errors);
        Zero("connection churn: wave channel deliveries lost", waves.WaveLost);
        Zero("connection churn: wave channel deliveries duplicated", waves.WaveDuplicated);
        Zero("connection churn: triggers refused", waves.FailedTriggers);
        Zero("connection churn: steady deliveries missing within a client's stay", waves.SteadyMissing);
        Zero("connection churn: steady deliveries duplicated", waves.SteadyDuplicated);
        Zero("connection churn: clients closed by the node", waves.ClosedByServer);
        Zero("connection churn: closing handshakes the node did not finish", waves.UnansweredCloses);

        var presence = o.Presence;
        if (presence.Cycles == 0) failures.Add("presence churn: no cycle completed");
        Zero("presence churn: member events missing at the watchers", Math.Max(0, presence.ExpectedMemberEvents - presence.MemberEvents));
        Zero("presence churn: member events beyond those owed", Math.Max(0, presence.MemberEvents - presence.ExpectedMemberEvents));
        Zero("presence churn: members stuck in a cycle", presence.StuckChurners);
        Zero("presence churn: members closed by the node", presence.ClosedByServer);

        failures.AddRange(o.Leftovers.Select(l => $"left at the end: {l}"));
        var fdsOver = o.End.OpenFds - o.RunFdsBeyondSockets;
        if (fdsOver > limits.EndFdsOverRun)
            failures.Add($"open descriptors at the end: {o.End.OpenFds}, {fdsOver:0} more than the run's besides its sockets (at most {limits.EndFdsOverRun})");

        var slopes = o.Slopes;
        Bound("resident memory", slopes.RssMiB, limits.RssMiBPerMinute, " MiB/min");
        Bound("live heap (after the full collections between waves)", slopes.LiveHeapBytesPerConnection, limits.LiveHeapBytesPerConnection,
            " bytes per wave connection");
        Bound("threads", slopes.Threads, limits.ThreadsPerMinute, "/min");
        Bound("descriptors beyond sockets", slopes.FdsBeyondSockets, limits.FdsPerMinute, "/min");
        return failures;

        void Bound(string what, double slope, double limit, string unit)
        {
            if (double.IsNaN(slope)) failures.Add($"{what}: too few samples in the second half of the run for a slope");
            else if (slope > limit) failures.Add($"{what} grew {slope:+0.00;-0.00}{unit} over the second half of the run (at most {limit}{unit})");
        }
    }
}
