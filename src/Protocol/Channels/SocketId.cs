using System.Security.Cryptography;

namespace Broadcaster.Protocol.Channels;

/// <summary>Socket ids: <c>^[0-9]+\.[0-9]+$</c>, random so an authorization cannot be replayed on a guessed id.</summary>
public static class SocketId
{
    /// <summary>
    /// <paramref name="nodePrefix"/> goes in front of the first part so ids from different nodes never collide.
    /// </summary>
    public static string New(int nodePrefix = 0)
    {
        var first = RandomNumberGenerator.GetInt32(1, 1_000_000_000);
        var second = RandomNumberGenerator.GetInt32(1, 1_000_000_000);
        return nodePrefix > 0 ? $"{nodePrefix}{first:D9}.{second}" : $"{first}.{second}";
    }

    public static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 64) return false;
        var dot = value.IndexOf('.');
        if (dot <= 0 || dot == value.Length - 1) return false;
        for (var i = 0; i < value.Length; i++)
        {
            if (i == dot) continue;
            if (value[i] is < '0' or > '9') return false;
        }
        return true;
    }
}
