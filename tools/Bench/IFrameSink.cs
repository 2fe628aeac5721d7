namespace Broadcaster.Bench;

/// <summary>Receives what the clients' receive loops read.</summary>
public interface IFrameSink
{
    /// <summary>One complete text message; <paramref name="receivedAt"/> is a <see cref="System.Diagnostics.Stopwatch"/> timestamp.</summary>
    void OnFrame(int client, ReadOnlySpan<byte> frame, long receivedAt);

    /// <summary>The socket closed or failed outside of disposal.</summary>
    void OnLost(int client, string reason);
}
