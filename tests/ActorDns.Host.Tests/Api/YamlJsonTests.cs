using System.Text;
using ActorDns.Host.Api;
using Xunit;

namespace ActorDns.Host.Tests.Api;

/// <summary>YAML request bodies (issue 15, found by the resource-yaml fuzz target): hostile shapes are a clear error, not an exception.</summary>
public sealed class YamlJsonTests
{
    [Fact]
    public void TryConvert_Dataplane_IsItsJson()
    {
        Assert.True(YamlJson.TryConvert("type: Dataplane\nname: dp-1\nnetworking:\n  inbound:\n    - port: 80\n      tags: {version: '1'}\n", out var json, out _));

        Assert.Equal("""{"type":"Dataplane","name":"dp-1","networking":{"inbound":[{"port":80,"tags":{"version":"1"}}]}}""", json);
    }

    [Theory]
    [InlineData("[", "]", 2000)]
    [InlineData("{a: ", "}", 2000)]
    [InlineData("[", "]", 500_000)]
    public void TryConvert_NestedDeeperThanJsonMay_IsRefusedWithTheLimit(string open, string close, int levels)
    {
        // Half a million levels would overflow the stack (ending the process) if the tree were built before the check.
        var text = string.Concat(Enumerable.Repeat(open, levels)) + "1" + string.Concat(Enumerable.Repeat(close, levels));

        Assert.False(YamlJson.TryConvert(text, out _, out var error));
        Assert.Contains($"nested deeper than {YamlJson.MaxDepth} levels", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryConvert_AsDeepAsAllowed_Converts()
    {
        var text = string.Concat(Enumerable.Repeat("[", YamlJson.MaxDepth)) + "1" + string.Concat(Enumerable.Repeat("]", YamlJson.MaxDepth));

        Assert.True(YamlJson.TryConvert(text, out _, out var error), error);
    }

    [Fact]
    public void TryConvert_AliasesExpandingToBillions_IsRefusedWithTheLimit()
    {
        // Nine levels of nine aliases each: 9^9 values from a few hundred bytes.
        var text = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for (var level = 1; level < 10; level++)
        {
            text.Append($"a{level}: &a{level} [{string.Join(", ", Enumerable.Repeat($"*a{level - 1}", 9))}]\n");
        }

        Assert.False(YamlJson.TryConvert(text.ToString(), out _, out var error));
        Assert.Contains($"more than {YamlJson.MaxValues} values", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("!!!!!!!+!!!!!!!!!!!!!e?\nefa&a\n")]
    [InlineData("a: 1\n\"a\": 2\n")]
    public void TryConvert_WhatYamlDotNetRefusesWithoutAYamlException_IsInvalidYaml(string text)
    {
        Assert.False(YamlJson.TryConvert(text, out _, out var error));
        Assert.StartsWith("invalid YAML", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("type: Mesh\nname: a\0b\n", "U+0000", 2)]
    [InlineData("type: Mesh\u0002\n", "U+0002", 1)]
    [InlineData("name: \uFFFF\n", "U+FFFF", 1)]
    public void TryConvert_ACharacterYamlDoesNotAllow_IsRefusedWithItsLine(string text, string character, int line)
    {
        // A NUL is YamlDotNet's end of input: a 1 KB body with a few of them kept it busy for 15 s.
        Assert.False(YamlJson.TryConvert(text, out _, out var error));
        Assert.Equal($"invalid YAML at line {line}: the character {character} is not allowed in YAML", error);
    }

    [Fact]
    public void TryConvert_TheSlowInputsTheFuzzerFound_AreRefusedForTheirNul()
    {
        var inputs = Directory.GetFiles(ActorDns.Testing.RepositoryRoot.Combine("tests", "fuzz", "regressions", "resource-yaml"), "nul-slow-scan-*");

        Assert.Equal(6, inputs.Length);
        Assert.All(inputs, input =>
        {
            // As the fuzz target reads them: the first byte picks the format, the rest is the body.
            var bytes = File.ReadAllBytes(input);
            Assert.False(YamlJson.TryConvert(Encoding.UTF8.GetString(bytes, 1, bytes.Length - 1), out _, out var error));
            Assert.EndsWith("is not allowed in YAML", error, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void TryConvert_ALoneSurrogate_IsRefused()
    {
        // Built here, not in [InlineData]: xUnit's serialization of test data would turn it into U+FFFD.
        Assert.False(YamlJson.TryConvert("name: " + '\uD800' + "x\n", out _, out var error));
        Assert.Equal("invalid YAML at line 1: the character U+D800 is not allowed in YAML", error);
    }

    [Fact]
    public void TryConvert_TabsCarriageReturnsAndCharactersBeyondTheBasicPlane_Convert()
    {
        Assert.True(YamlJson.TryConvert("name: \"a\tb\"\r\ntitle: caf\u00e9 \U0001F600\r\n", out var json, out var error), error);

        var converted = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        Assert.Equal("a\tb", (string)converted["name"]!);
        Assert.Equal("caf\u00e9 \U0001F600", (string)converted["title"]!);
    }

    [Fact]
    public void TryConvert_AnAliasUsedTwice_ConvertsBothUses()
    {
        Assert.True(YamlJson.TryConvert("a: &t {k: v}\nb: *t\n", out var json, out _));

        Assert.Equal("""{"a":{"k":"v"},"b":{"k":"v"}}""", json);
    }
}
