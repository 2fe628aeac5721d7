using System.Net.Http.Headers;
using System.Text.Json;

namespace Broadcaster.Bench.LoadGenerator;

/// <summary>
/// Reads a node's dashboard live stream (<c>/dashboard/api/live</c>, server-sent events) as an open page does, for as
/// long as it lives: counts the overviews, the live log's entries and the entries the node sampled out.
/// </summary>
public sealed class LiveLogReader : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;
    private long _overviews;
    private long _entries;
    private long _sampledOut;

    private LiveLogReader(int port, string password, TaskCompletionSource opened)
    {
        _reading = ReadAsync(port, password, opened);
    }

    public long Overviews => Interlocked.Read(ref _overviews);
    public long Entries => Interlocked.Read(ref _entries);
    public long SampledOut => Interlocked.Read(ref _sampledOut);

    /// <summary>Why the stream ended before it was disposed, if it did.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Opens the stream; returns once the node has answered with its first overview.</summary>
    public static async Task<LiveLogReader> OpenAsync(int port, string password, CancellationToken cancel)
    {
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = new LiveLogReader(port, password, opened);
        try
        {
            await opened.Task.WaitAsync(TimeSpan.FromSeconds(15), cancel);
            return reader;
        }
        catch
        {
            await reader.DisposeAsync();
            throw;
        }
    }

    private async Task ReadAsync(int port, string password, TaskCompletionSource opened)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/dashboard/api/live");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", password);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
            response.EnsureSuccessStatusCode();
            using var lines = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
            string? name = null;
            while (await lines.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line["event: ".Length..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal)) Count(name, line["data: ".Length..], opened);
            }
            throw new IOException("the node ended the live stream");
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (Exception e)
        {
            Failure = e;
            opened.TrySetException(e);
        }
    }

    private void Count(string? name, string data, TaskCompletionSource opened)
    {
        if (name == "overview")
        {
            Interlocked.Increment(ref _overviews);
            opened.TrySetResult();
        }
        else if (name == "log")
        {
            using var json = JsonDocument.Parse(data);
            Interlocked.Add(ref _entries, json.RootElement.GetProperty("entries").GetArrayLength());
            Interlocked.Add(ref _sampledOut, json.RootElement.GetProperty("dropped").GetInt64());
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        _http.Dispose();
        _stop.Dispose();
    }
}
