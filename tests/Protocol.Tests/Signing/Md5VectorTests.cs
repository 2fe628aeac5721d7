using System.Text;
using Broadcaster.Protocol.Signing;

namespace Broadcaster.Protocol.Tests.Signing;

/// <summary>Section 11.E: MD5 reference values (these vectors have no id, so they are keyed by their md5).</summary>
public class Md5VectorTests
{
    public static TheoryData<string> Ids
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var v in Vectors.Category("md5").EnumerateArray()) data.Add(v.Str("md5"));
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Md5Hex_matches(string md5)
    {
        var v = Vectors.Category("md5").EnumerateArray().Single(x => x.Str("md5") == md5);
        Assert.Equal(md5, PusherSignature.Md5Hex(Encoding.UTF8.GetBytes(v.Str("input"))));
    }

    [Fact]
    public void Md5Hex_is_lowercase() =>
        Assert.Equal("d41d8cd98f00b204e9800998ecf8427e", PusherSignature.Md5Hex(ReadOnlySpan<byte>.Empty));
}
