using System.Text.Json;
using Broadcaster.Protocol.Apps;

namespace Broadcaster.Protocol.Tests;

/// <summary>Loads pusher-vectors.json (copied next to the test assembly) once.</summary>
internal static class Vectors
{
    private static readonly Lazy<JsonDocument> Doc = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "pusher-vectors.json"))));

    public static JsonElement Root => Doc.Value.RootElement;

    public static JsonElement Category(string category) => Root.GetProperty("vectors").GetProperty(category);

    public static TheoryData<string> Ids(string category)
    {
        var data = new TheoryData<string>();
        foreach (var v in Category(category).EnumerateArray()) data.Add(v.Str("id"));
        return data;
    }

    public static JsonElement Get(string category, string id) =>
        Category(category).EnumerateArray().Single(v => v.Str("id") == id);

    public static PusherApp App(string name)
    {
        var a = Root.GetProperty("apps").GetProperty(name);
        return new PusherApp(a.Str("app_id"), a.Str("key"), a.Str("secret"));
    }

    public static PusherApp AppOf(JsonElement vector) => App(vector.Str("app"));

    public static string Str(this JsonElement e, string name) =>
        e.GetProperty(name).GetString() ?? throw new InvalidOperationException($"{name} is null");

    public static string? OptStr(this JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.GetString() : null;

    /// <summary>Replaces one hex character with a different hex character.</summary>
    public static string FlipHex(string hex, int index)
    {
        var chars = hex.ToCharArray();
        chars[index] = chars[index] == '0' ? '1' : '0';
        return new string(chars);
    }
}
