using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Management.Cluster.Bootstrap.ContactPoint;
using Newtonsoft.Json;

namespace Broadcaster.Node.Bootstrap;

/// <summary>
/// <c>GET /bootstrap/seed-nodes</c> on the management port: what a probing node asks a contact point. Kestrel serves it
/// rather than Akka.Management's HTTP server, which cannot call the Ceen.Httpd release the build resolves (see
/// Directory.Packages.props). The answer is the library's own type serialized as the library does, so every prober
/// reads it.
/// </summary>
public static class ManagementEndpoint
{
    public const string SeedNodesPath = "/bootstrap/seed-nodes";

    public static async Task SeedNodesAsync(HttpContext context, ActorSystem system)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var state = cluster.State;
        // A node on its way out must not be offered as a seed, and must not count as a contact point that knows no
        // cluster either: no answer at all. A node that has not joined yet is not among the members (Akka reports its
        // own status as Removed until then) and answers that it knows no cluster.
        var self = state.Members.FirstOrDefault(m => m.UniqueAddress.Equals(cluster.SelfUniqueAddress));
        if (cluster.IsTerminated || self?.Status is MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Leaving or MemberStatus.Removed)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        var members = state.Members
            .Where(m => !state.Unreachable.Contains(m) && m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining)
            .Select(m => new HttpBootstrapJsonProtocol.ClusterMember(m.Address, m.UniqueAddress.Uid, m.Status, m.Roles))
            .ToImmutableList();
        var body = JsonConvert.SerializeObject(new HttpBootstrapJsonProtocol.SeedNodes(cluster.SelfAddress, members));
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }
}
