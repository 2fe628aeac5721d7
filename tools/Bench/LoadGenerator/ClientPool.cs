namespace Broadcaster.Bench.LoadGenerator;

/// <summary>Many clients of one server, connected and subscribed a bounded number at a time.</summary>
public sealed class ClientPool : IDisposable
{
    private static readonly TimeSpan SubscribeTimeout = TimeSpan.FromSeconds(30);
    private readonly ClientSocket[] _clients;

    private ClientPool(ClientSocket[] clients) => _clients = clients;

    public IReadOnlyList<ClientSocket> Clients => _clients;

    public int Count => _clients.Length;

    public int OpenCount => _clients.Count(c => !c.IsClosed);

    /// <summary>
    /// Connects <paramref name="count"/> clients numbered from <paramref name="firstIndex"/>, <paramref name="parallel"/>
    /// handshakes in flight at a time; on any failure closes those already connected and throws.
    /// </summary>
    public static async Task<ClientPool> ConnectAsync(ClientSettings settings, int count, ClientListener listener, CancellationToken cancel,
        int group = 0, int firstIndex = 0, int parallel = 64)
    {
        var clients = new ClientSocket?[count];
        var next = -1;
        try
        {
            await Task.WhenAll(Enumerable.Range(0, Math.Min(parallel, count)).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                    clients[i] = await ClientSocket.ConnectAsync(settings, firstIndex + i, group, listener, cancel);
            }));
        }
        catch
        {
            foreach (var client in clients) client?.Abort();
            throw;
        }
        return new ClientPool(clients!);
    }

    /// <summary>Subscribes every client to the channel <paramref name="channelOf"/> names for it and waits for every reply.</summary>
    public async Task SubscribeAsync(Func<ClientSocket, string> channelOf, CancellationToken cancel, int parallel = 64)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Math.Min(parallel, _clients.Length)).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < _clients.Length)
            {
                cancel.ThrowIfCancellationRequested();
                await _clients[i].SubscribeAsync(channelOf(_clients[i]), SubscribeTimeout);
            }
        }));
    }

    /// <summary>Resets every connection (the load generator's teardown).</summary>
    public void Dispose()
    {
        foreach (var client in _clients) client.Abort();
    }
}
