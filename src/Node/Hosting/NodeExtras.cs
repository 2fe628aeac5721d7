using Broadcaster.Actors.Dashboard;
using Broadcaster.Actors.Monitoring;
using Broadcaster.Actors.Statistics;

namespace Broadcaster.Node.Hosting;

/// <summary>
/// What the HTTP side gives the node's actors beyond their settings: the statistics store, the dashboard's feed and log,
/// and whether the node serves clients (<see cref="NodeSettings.Serving"/>).
/// </summary>
public sealed record NodeExtras(IStatisticsStore? Statistics, IDashboardFeed? Dashboard, IActivityLog? Activity, Func<bool>? Serving = null);
