using System.Text.RegularExpressions;
using Broadcaster.Protocol.Channels;

namespace Broadcaster.Protocol.Tests.Channels;

/// <summary>PROTOCOL.md 1.9.</summary>
public class SocketIdTests
{
    private static readonly Regex Format = new(@"^[0-9]+\.[0-9]+$", RegexOptions.CultureInvariant);

    [Fact]
    public void New_matches_format_and_is_unique()
    {
        var ids = Enumerable.Range(0, 20_000).Select(_ => SocketId.New()).ToList();
        Assert.All(ids, id => Assert.Matches(Format, id));
        Assert.All(ids, id => Assert.True(SocketId.IsValid(id), id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        // Random, not a counter: the first parts are spread out.
        Assert.True(ids.Select(id => id.Split('.')[0]).Distinct().Count() > 19_000);
    }

    [Fact]
    public void New_parts_are_positive_and_have_no_leading_zero_without_prefix()
    {
        foreach (var id in Enumerable.Range(0, 2_000).Select(_ => SocketId.New()))
        {
            var parts = id.Split('.');
            Assert.InRange(long.Parse(parts[0]), 1, 1_000_000_000);
            Assert.InRange(long.Parse(parts[1]), 1, 1_000_000_000);
            Assert.NotEqual('0', parts[0][0]);
            Assert.True(parts[0].Length <= 9);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    [InlineData(65535)]
    public void New_with_node_prefix(int prefix)
    {
        var ids = Enumerable.Range(0, 5_000).Select(_ => SocketId.New(prefix)).ToList();
        Assert.All(ids, id =>
        {
            Assert.Matches(Format, id);
            Assert.StartsWith(prefix.ToString(), id);
            var first = id.Split('.')[0];
            Assert.Equal(prefix.ToString().Length + 9, first.Length);
            Assert.True(SocketId.IsValid(id));
        });
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Ids_from_different_nodes_cannot_collide()
    {
        // The first part of a prefixed id is always prefix digits + 9 digits, so it encodes the node.
        var a = Enumerable.Range(0, 2_000).Select(_ => SocketId.New(1).Split('.')[0]).ToHashSet();
        var b = Enumerable.Range(0, 2_000).Select(_ => SocketId.New(2).Split('.')[0]).ToHashSet();
        var none = Enumerable.Range(0, 2_000).Select(_ => SocketId.New().Split('.')[0]).ToHashSet();
        Assert.Empty(a.Intersect(b));
        Assert.Empty(a.Intersect(none));
        Assert.All(a, f => Assert.StartsWith("1", f));
        Assert.All(b, f => Assert.StartsWith("2", f));
    }

    [Theory]
    [InlineData("1.2")]
    [InlineData("0.0")]
    [InlineData("123.456")]
    [InlineData("3363.1846347")]
    [InlineData("264774.13368624")]
    [InlineData("151004717.3505838415")]
    [InlineData("01.02")]
    [InlineData("1234.1234")]
    [InlineData("123456.7890123")]
    public void IsValid_accepts(string value) => Assert.True(SocketId.IsValid(value));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("1.")]
    [InlineData(".1")]
    [InlineData("1")]
    [InlineData("12")]
    [InlineData("1..2")]
    [InlineData("1.2.3")]
    [InlineData("a.1")]
    [InlineData("1.a")]
    [InlineData(" 1.2")]
    [InlineData("1.2 ")]
    [InlineData("1.2\n")]
    [InlineData("-1.2")]
    [InlineData("+1.2")]
    [InlineData("1,2")]
    [InlineData("1:2")]
    [InlineData("1.2e3")]
    [InlineData("\u0661.\u0662")]
    [InlineData("\uff11.\uff12")]
    public void IsValid_rejects(string? value) => Assert.False(SocketId.IsValid(value));
}
