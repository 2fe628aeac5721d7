using Broadcaster.Actors.Dashboard;
using Broadcaster.Actors.Monitoring;
using Broadcaster.Actors.Statistics;

namespace Broadcaster.Node.Hosting;

/// <summary>What the HTTP side gives the node's actors beyond their settings: the statistics store and the dashboard's feed and log.</summary>
public sealed record NodeExtras(IStatisticsStore? Statistics, IDashboardFeed? Dashboard, IActivityLog? Activity);
