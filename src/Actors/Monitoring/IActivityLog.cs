using Broadcaster.Actors.Wire;

namespace Broadcaster.Actors.Monitoring;

/// <summary>
/// Where connections, subscriptions and client events are told to the dashboard's live log. <see cref="Enabled"/> is read
/// before anything is formatted, so with no dashboard open an entry costs one volatile read.
/// </summary>
public interface IActivityLog
{
    bool Enabled { get; }

    /// <summary>Never blocks: an entry that does not fit is counted as sampled out.</summary>
    void Write(ActivityEntry entry);
}
