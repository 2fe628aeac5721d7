using System.Net;
using System.Net.Sockets;
using Broadcaster.Fuzzing;

namespace Broadcaster.Node.Tests.Infrastructure;

/// <summary>The raw clients' receive buffer (tests/Fuzzing), on a real loopback connection.</summary>
public sealed class SocketBufferTests
{
    [Fact]
    public async Task It_keeps_what_was_not_taken_grows_past_its_size_and_says_when_the_peer_closed()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        using var server = await listener.AcceptAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var sent = Enumerable.Range(0, 40_000).Select(i => (byte)(i % 251)).ToArray();
        await server.SendAsync(sent);
        server.Shutdown(SocketShutdown.Send);

        var buffer = new SocketBuffer(client);
        var taken = new List<byte>();
        // Take a little at a time while reading on, so the unread rest must survive every refill and the growth.
        while (await buffer.FillAsync(timeout.Token))
        {
            var n = Math.Min(7, buffer.Buffered.Length);
            taken.AddRange(buffer.Buffered[..n].ToArray());
            buffer.Consume(n);
        }
        taken.AddRange(buffer.Buffered.ToArray());
        buffer.Consume(buffer.Buffered.Length);

        Assert.Equal(sent, taken);
        Assert.True(buffer.Buffered.IsEmpty);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Consume(1));
    }
}
