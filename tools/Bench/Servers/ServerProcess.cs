using System.Diagnostics;
using System.Net;
using Broadcaster.Bench.Measure;

namespace Broadcaster.Bench.Servers;

/// <summary>
/// A server the benchmark started as a process of its own, on 127.0.0.1: its pid for <c>/proc</c>, its HTTP port,
/// and the warnings and errors it logged. Disposing kills it; every run starts fresh ones.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const int KeptLogLines = 20;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly List<string> _problems = [];
    private readonly string? _configFile;
    private int _problemCount;

    private ServerProcess(string name, Process process, int port, string connectedMetric, string? configFile)
    {
        Name = name;
        _process = process;
        Port = port;
        ConnectedMetric = connectedMetric;
        _configFile = configFile;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Port { get; }

    public int Pid => _process.Id;

    /// <summary>The /metrics gauge that counts its open WebSocket connections.</summary>
    public string ConnectedMetric { get; }

    /// <summary>Warning, error and critical lines it logged (the first few), and how many there were.</summary>
    public (IReadOnlyList<string> First, int Count) Problems
    {
        get
        {
            lock (_problems) return (_problems.ToList(), _problemCount);
        }
    }

    public static ServerProcess Start(string name, string fileName, IEnumerable<string> arguments, int port, string connectedMetric, string? configFile = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        return new ServerProcess(name, process, port, connectedMetric, configFile);
    }

    public ProcessSample Sample() => ProcessSample.Read(Pid);

    /// <summary>Waits until GET /ready answers 200 (for our server: Up and linked to every peer).</summary>
    public async Task WaitReadyAsync(CancellationToken cancel)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.GetTimestamp() + (long)(ReadyTimeout.TotalSeconds * Stopwatch.Frequency);
        var last = "";
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before it was ready: {string.Join(" / ", Problems.First)}");
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{Port}/ready", cancel);
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = $"{(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            await Task.Delay(100, cancel);
        }
        throw new TimeoutException($"{Name} on port {Port} not ready after {ReadyTimeout.TotalSeconds}s: {last}");
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        var trimmed = line.TrimStart();
        if (!trimmed.StartsWith("warn:", StringComparison.Ordinal) && !trimmed.StartsWith("fail:", StringComparison.Ordinal) &&
            !trimmed.StartsWith("crit:", StringComparison.Ordinal) && !trimmed.StartsWith("Unhandled exception", StringComparison.Ordinal)) return;
        lock (_problems)
        {
            _problemCount++;
            if (_problems.Count < KeptLogLines) _problems.Add(line.Length > 400 ? line[..400] : line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill();
            await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or not gone in time: nothing more to do from here.
        }
        _process.Dispose();
        if (_configFile is not null)
        {
            File.Delete(_configFile);
            // The node's statistics file beside it, with its write-ahead log.
            foreach (var suffix in new[] { ".statistics.db", ".statistics.db-wal", ".statistics.db-shm" }) File.Delete(_configFile + suffix);
        }
    }
}
