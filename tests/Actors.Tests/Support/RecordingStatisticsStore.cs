using Akka.Actor;
using Broadcaster.Actors.Statistics;
using Broadcaster.Actors.Wire;

namespace Broadcaster.Actors.Tests.Support;

/// <summary>A sample as a node's recorder handed it to its store: which node wrote it, and what.</summary>
public sealed record WrittenSample(string Writer, StatisticsSample Sample);

/// <summary>Tells <paramref name="probe"/> a <see cref="WrittenSample"/> for every sample the node's recorder writes.</summary>
public sealed class RecordingStatisticsStore(string node, IActorRef probe) : IStatisticsStore
{
    public void Write(StatisticsSample sample) => probe.Tell(new WrittenSample(node, sample));

    public void Prune() { }

    public Task<StatisticsAnswer> QueryAsync(StatisticsQuery query) => Task.FromResult(new StatisticsAnswer([]));
}
