using Broadcaster.Actors.Tests.Support;
using Xunit;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>
/// Readiness over the pub-sub topic is exact: a node that joins while another publishes a steady stream of events
/// misses none of those published after it reported ready (a load balancer only sends it clients from then on).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterJoinLoadTests : ClusterTestBase
{
    private const string Channel = "stream";

    [Fact]
    public void A_node_joining_while_events_are_published_misses_none_published_after_it_was_ready()
    {
        var nodes = StartCluster(3);
        var d = StartNode("D");
        // Subscribed before it is ready, so every event that reaches D from its readiness on is visible.
        var onD = Connect(d);
        SubscribeOk(onD, Channel);

        var published = 0;
        using var stop = new CancellationTokenSource();
        var publisher = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Publish(nodes[0], Channel, EventBytes("n", Channel, Interlocked.Increment(ref published).ToString()));
                Thread.Sleep(2);
            }
        });
        publisher.Start();
        try
        {
            d.Cluster.Join(nodes[0].Address);
            AwaitCondition(() => d.Status().Ready, ClusterTimeout, TimeSpan.FromMilliseconds(20));
            // Everything numbered above this was published after D reported ready.
            var readyAt = Volatile.Read(ref published);
            AwaitCondition(() => Volatile.Read(ref published) > readyAt + 300, ClusterTimeout);
            stop.Cancel();
            Assert.True(publisher.Join(TimeSpan.FromSeconds(5)));
            var last = Volatile.Read(ref published);

            var received = new HashSet<int>();
            while (!received.Contains(last))
                received.Add(int.Parse(onD.Probe.ExpectFrame("n", ClusterTimeout).Data!.Value.GetString()!));
            var missed = Enumerable.Range(readyAt + 1, last - readyAt).Where(i => !received.Contains(i)).ToList();
            Assert.True(missed.Count == 0, $"D missed {missed.Count} of the {last - readyAt} events published after it was ready, first {missed.FirstOrDefault()}");
        }
        finally
        {
            stop.Cancel();
        }
    }
}
