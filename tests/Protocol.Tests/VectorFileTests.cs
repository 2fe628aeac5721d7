namespace Broadcaster.Protocol.Tests;

/// <summary>Guards against vectors being silently skipped: every category is known and non-empty.</summary>
public class VectorFileTests
{
    [Fact]
    public void Format_is_the_expected_one() =>
        Assert.Equal("pusher-protocol-test-vectors/1", Vectors.Root.Str("format"));

    [Fact]
    public void Every_category_is_covered_by_a_test_class()
    {
        var categories = Vectors.Root.GetProperty("vectors").EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(new[] { "channel_auth", "http_api", "md5", "user_auth", "webhooks" }, categories);
    }

    [Theory]
    [InlineData("channel_auth", 9)]
    [InlineData("user_auth", 3)]
    [InlineData("http_api", 8)]
    [InlineData("webhooks", 2)]
    [InlineData("md5", 3)]
    public void Category_has_expected_number_of_vectors(string category, int count) =>
        Assert.Equal(count, Vectors.Category(category).GetArrayLength());

    [Fact]
    public void Ids_are_unique()
    {
        var ids = new[] { "channel_auth", "user_auth", "http_api", "webhooks" }
            .SelectMany(c => Vectors.Category(c).EnumerateArray().Select(v => v.Str("id"))).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }
}
