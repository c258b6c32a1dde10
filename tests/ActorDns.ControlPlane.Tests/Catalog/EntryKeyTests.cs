using ActorDns.ControlPlane.Catalog;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Catalog;

public sealed class EntryKeyTests
{
    [Theory]
    [InlineData("service:backend", "service", "backend")]
    [InlineData("host:httpbin.org", "host", "httpbin.org")]
    [InlineData("service:a:b", "service", "a:b")]
    public void Parse_TextForm_SplitsAtTheFirstColon_AndWritesItBack(string text, string origin, string name)
    {
        var key = EntryKey.Parse(text);

        Assert.Equal((origin, name), (key.Origin, key.Name));
        Assert.Equal(text, key.ToString());
    }

    [Theory]
    [InlineData("backend")]
    [InlineData(":backend")]
    public void Parse_NoOrigin_FailsNamingTheText(string text)
    {
        Assert.Equal($"entry key '{text}' has no origin", Assert.Throws<FormatException>(() => EntryKey.Parse(text)).Message);
    }

    [Fact]
    public void ServiceAndHost_Name_HaveTheirOrigin()
    {
        Assert.Equal("service:backend", EntryKey.Service("backend").ToString());
        Assert.Equal("host:httpbin.org", EntryKey.Host("httpbin.org").ToString());
    }

    [Fact]
    public void Order_IsTheOrdinalOrderOfTheTextForm()
    {
        string[] texts = ["service:b", "host:z.example", "service:B", "service:a_b", "service:a.b", "host:a.example"];

        Assert.Equal(texts.Order(StringComparer.Ordinal), texts.Select(EntryKey.Parse).Order().Select(k => k.ToString()));
    }
}
