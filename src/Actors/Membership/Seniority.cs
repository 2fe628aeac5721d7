using Akka.Cluster;

namespace Broadcaster.Actors.Membership;

/// <summary>Which node does what the cluster must do once: webhooks, the statistics rows.</summary>
public static class Seniority
{
    /// <summary>
    /// Whether this node is the one: it is Up, reaches a majority of the members, and no reachable Up member is older.
    /// A node cut off from the others (about to be downed by the split-brain resolver, and stopping its connections as
    /// it goes) thus does nothing the majority side does too, and while a crashed oldest node is still a member
    /// (unreachable, not yet removed) the next oldest already acts.
    /// </summary>
    public static bool IsOldest(Akka.Cluster.Cluster cluster)
    {
        var self = cluster.SelfMember;
        if (self.Status != MemberStatus.Up) return false;
        var state = cluster.State;
        if (state.Unreachable.Count * 2 >= state.Members.Count) return false;
        foreach (var member in state.Members)
        {
            if (member.Status == MemberStatus.Up && !member.UniqueAddress.Equals(self.UniqueAddress) && member.IsOlderThan(self) &&
                !state.Unreachable.Contains(member)) return false;
        }
        return true;
    }
}
