using ActorDns.ControlPlane.Catalog;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Catalog;

public sealed class EntryKeyTests
{
    [Theory]
    [InlineData("service:backend", "service", "backend")]
    [InlineData("host:httpbin.org", "host", "httpbin.org")]
    [InlineData("service:a:b", "service", "a:b")]
    public void OriginAndValue_Key_SplitAtFirstColon(string key, string origin, string value)
    {
        Assert.Equal(origin, EntryKey.Origin(key));
        Assert.Equal(value, EntryKey.Value(key));
    }

    [Fact]
    public void ServiceAndHost_Name_Prefixed()
    {
        Assert.Equal("service:backend", EntryKey.Service("backend"));
        Assert.Equal("host:httpbin.org", EntryKey.Host("httpbin.org"));
    }
}
