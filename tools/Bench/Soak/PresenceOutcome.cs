namespace Broadcaster.Bench.Soak;

/// <summary>
/// What the presence churn did: join-and-leave cycles completed, and the member events the watchers received of
/// those they were owed (each cycle owes every watcher a <c>member_added</c> and a <c>member_removed</c>).
/// </summary>
public sealed record PresenceOutcome(int Watchers, long Cycles, long ExpectedMemberEvents, long MemberEvents, int StuckChurners, int ClosedByServer);
