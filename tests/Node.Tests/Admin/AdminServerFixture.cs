using Broadcaster.Node.Configuration;

namespace Broadcaster.Node.Tests.Admin;

/// <summary>A node with an admin secret, shared by <see cref="AdminStatusTests"/>.</summary>
public sealed class AdminServerFixture : ServerFixture
{
    public const string AdminSecret = "admin-secret-for-tests";

    protected override BroadcasterOptions Configure(BroadcasterOptions defaults) => defaults with { AdminSecret = AdminSecret };
}
