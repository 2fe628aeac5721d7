namespace Broadcaster.Node.HttpApi;

/// <summary>A cluster-wide count, and the nodes whose share is missing from it because they did not answer.</summary>
public sealed record Counted<T>(T Value, IReadOnlyList<string> Missing);
