using System.Net.Sockets;
using Broadcaster.Fuzzing;
using Broadcaster.Node.Hosting;

namespace Broadcaster.Node.Tests.WebSockets.Fuzzing;

/// <summary>
/// Hostile WebSocket clients (<see cref="PusherFrameFuzzer"/>) against a real node, one connection per case: whatever
/// a case sends, every frame the server answers with is a well-formed, unmasked frame, every text is a Pusher JSON
/// message, every close code is one a server may send (<see cref="ServerFrameRules"/>); a client subscribed beside
/// them receives every event, and in the end no connection is left but its own. Seeded: a failure names the case's
/// seed. A short run here; <c>BROADCASTER_FUZZ_CASES</c> and <c>BROADCASTER_FUZZ_SEED</c> run more, or one case
/// again. The generator and the rules are shared with the benchmark tool, whose <c>--fuzz</c> mode is the long run.
/// </summary>
public sealed class WebSocketFuzzTests : IAsyncLifetime
{
    private static readonly int Cases = FuzzRun.Cases(60);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);

    private BroadcasterServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Hostile_clients_get_well_formed_answers_and_a_client_beside_them_notices_nothing()
    {
        await using var bystander = await _server.ConnectAsync();
        await bystander.SubscribeAsync("bystander");
        var api = _server.Api();

        for (var i = 0; i < Cases; i++)
        {
            var seed = FuzzRun.Seed + i;
            var moves = new PusherFrameFuzzer(seed).NextCase();
            try
            {
                await RunCaseAsync(moves);
                await api.TriggerOkAsync("bystander", "still-here", $"case {seed}");
                var frame = await bystander.ExpectAsync("still-here");
                Assert.Equal($"case {seed}", frame.DataString);
            }
            catch (Exception e)
            {
                throw FuzzRun.Failed(seed, e, $"moves:\n  {string.Join("\n  ", moves)}");
            }
        }

        // Every hostile connection is gone; the bystander's is the one left.
        await Eventually.WaitAsync(async () => await _server.ConnectionActorCount() == 1, TimeSpan.FromSeconds(10), "only the bystander connected");
    }

    private async Task RunCaseAsync(IReadOnlyList<FuzzMove> moves)
    {
        await using var client = await RawWebSocket.ConnectPusherAsync(_server.Port);
        foreach (var move in moves)
        {
            try
            {
                await client.WriteAsync(move.Bytes);
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                // The server closed the connection already: what is left is not read.
                break;
            }
        }
        foreach (var frame in await DrainAsync(client)) Check(frame);
    }

    /// <summary>What the server sends until it closes or stays quiet for a moment.</summary>
    private static async Task<List<RawFrame>> DrainAsync(RawWebSocket client)
    {
        var frames = new List<RawFrame>();
        try
        {
            while (true) frames.Add(await client.ReadFrameAsync(Quiet));
        }
        catch (Exception e) when (e is TimeoutException or EndOfStreamException or SocketException or IOException)
        {
            return frames;
        }
    }

    private static void Check(RawFrame frame)
    {
        var violation = ServerFrameRules.Violation(frame.Fin, frame.Rsv, frame.Opcode, frame.Masked, frame.Payload);
        Assert.True(violation is null, $"{violation}: {frame}");
    }
}
