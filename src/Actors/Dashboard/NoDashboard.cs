using Broadcaster.Actors.Wire;

namespace Broadcaster.Actors.Dashboard;

/// <summary>A feed with nothing to show: the default of actor tests that start a node without the HTTP side.</summary>
public sealed class NoDashboard(string node) : IDashboardFeed
{
    public Task<NodeLoad> LoadAsync() => Task.FromResult(new NodeLoad(node, []));

    public void Watched() { }

    public void Received(LiveLogBatch batch) { }
}
