namespace Broadcaster.Node.Tests.Infrastructure;

/// <summary>An HTTP/1.1 response as <see cref="RawWebSocket"/> read it off the socket: the 101 of an upgrade, or a refusal.</summary>
public sealed record RawHttpResponse(int Status, IReadOnlyDictionary<string, string> Headers)
{
    public string Body { get; init; } = "";

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>True when the comma-separated header <paramref name="name"/> lists <paramref name="token"/> (compared case-insensitively).</summary>
    public bool HeaderHasToken(string name, string token) =>
        Header(name)?.Split(',', StringSplitOptions.TrimEntries).Contains(token, StringComparer.OrdinalIgnoreCase) == true;

    /// <summary>Parses the status line and header lines (without the blank line that ends them); repeated headers are joined with ", ".</summary>
    public static RawHttpResponse ParseHead(string head)
    {
        var lines = head.Split("\r\n");
        var status = lines[0].Split(' ', 3);
        Assert.True(status.Length >= 2 && status[0].StartsWith("HTTP/1.", StringComparison.Ordinal), $"Not an HTTP/1.x status line: {lines[0]}");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            Assert.True(colon > 0, $"Malformed header line: {line}");
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var earlier) ? $"{earlier}, {value}" : value;
        }
        return new RawHttpResponse(int.Parse(status[1]), headers);
    }

    public override string ToString() => $"{Status} {string.Join("; ", Headers.Select(h => $"{h.Key}: {h.Value}"))} {Body}";
}
