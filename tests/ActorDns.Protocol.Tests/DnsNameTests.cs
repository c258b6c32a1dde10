using System.Text;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Protocol.Tests;

public sealed class DnsNameTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private static byte[] Wire(string text) => DnsName.Parse(text);

    // ---- TryMeasureUncompressed (RFC 1035 §2.3.4, §4.1.4; RFC 9267) ----

    [Fact]
    public void TryMeasureUncompressed_SimpleName_ReturnsWireLength()
    {
        var message = new DnsPacketBuilder().Repeat(0, 12).Name("web.mesh").UInt16(1).ToArray();

        Assert.True(DnsName.TryMeasureUncompressed(message, 12, out var length));
        Assert.Equal(10, length);
    }

    [Fact]
    public void TryMeasureUncompressed_RootName_ReturnsOne()
    {
        Assert.True(DnsName.TryMeasureUncompressed([0], 0, out var length));
        Assert.Equal(1, length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void TryMeasureUncompressed_OffsetAtOrPastEnd_ReturnsFalse(int offset)
    {
        Assert.False(DnsName.TryMeasureUncompressed(new byte[offset], offset, out _));
    }

    [Fact]
    public void TryMeasureUncompressed_LabelOf63_ReturnsTrue()
    {
        var wire = new DnsPacketBuilder().Bytes(63).Repeat((byte)'x', 63).Bytes(0).ToArray();

        Assert.True(DnsName.TryMeasureUncompressed(wire, 0, out var length));
        Assert.Equal(65, length);
    }

    [Theory]
    [InlineData(0x40)] // P-21: extended label type (RFC 6891 §5)
    [InlineData(0x7F)]
    [InlineData(0x80)] // P-22: reserved label type 10 (RFC 1035 §4.1.4)
    [InlineData(0xBF)]
    [InlineData(0xC0)] // P-25: any pointer is refused in an uncompressed name
    public void TryMeasureUncompressed_LabelTypeAbove63_ReturnsFalse(byte lengthOctet)
    {
        var wire = new DnsPacketBuilder().Bytes(lengthOctet).Repeat((byte)'x', 200).Bytes(0).ToArray();

        Assert.False(DnsName.TryMeasureUncompressed(wire, 0, out _));
    }

    [Fact]
    public void TryMeasureUncompressed_NameOf255Octets_ReturnsTrue()
    {
        var wire = TestNames.OfLength(255);

        Assert.True(DnsName.TryMeasureUncompressed(wire, 0, out var length));
        Assert.Equal(255, length);
    }

    [Fact]
    public void TryMeasureUncompressed_NameOf256Octets_ReturnsFalse()
    {
        Assert.False(DnsName.TryMeasureUncompressed(TestNames.OfLength(256), 0, out _));
    }

    [Fact]
    public void TryMeasureUncompressed_127Labels_ReturnsTrue()
    {
        Assert.True(DnsName.TryMeasureUncompressed(TestNames.WithLabels(127), 0, out var length));
        Assert.Equal(255, length);
    }

    [Fact]
    public void TryMeasureUncompressed_128Labels_ReturnsFalse()
    {
        Assert.False(DnsName.TryMeasureUncompressed(TestNames.WithLabels(128), 0, out _));
    }

    [Theory]
    [InlineData("03616263")] // label "abc", then the message ends before the root label
    [InlineData("0361")] // label claims 3 octets, 1 present (P-26)
    [InlineData("3F6162")]
    public void TryMeasureUncompressed_LabelRunningPastEnd_ReturnsFalse(string hex)
    {
        Assert.False(DnsName.TryMeasureUncompressed(Convert.FromHexString(hex), 0, out _));
    }

    // ---- TryRead / TrySkip (RFC 1035 §4.1.4, RFC 9267 §2–§4) ----

    [Fact]
    public void TryRead_UncompressedName_CopiesItAndReturnsNext()
    {
        var message = new DnsPacketBuilder().Repeat(0, 12).Name("Web.Mesh").UInt16(1).ToArray();
        var destination = new byte[DnsName.MaxLength];

        Assert.True(DnsName.TryRead(message, 12, destination, out var written, out var next));
        Assert.Equal(Wire("Web.Mesh"), destination[..written]);
        Assert.Equal(22, next);
    }

    [Fact]
    public void TryRead_PointerStrictlyBackward_ExpandsNameAndNextFollowsPointer()
    {
        var builder = new DnsPacketBuilder().Repeat(0, 12).Name("web.mesh");
        var start = builder.Position;
        var message = builder.Label("api").Pointer(16).Bytes(0xAA).ToArray();
        var destination = new byte[DnsName.MaxLength];

        Assert.True(DnsName.TryRead(message, start, destination, out var written, out var next));
        Assert.Equal(Wire("api.mesh"), destination[..written]);
        Assert.Equal(start + 6, next);
    }

    [Fact]
    public void TryRead_ChainOfBackwardPointers_ExpandsWholeName()
    {
        var builder = new DnsPacketBuilder().Name("mesh");
        var svc = builder.Position;
        builder.Label("svc").Pointer(0);
        var start = builder.Position;
        var message = builder.Label("web").Pointer(svc).ToArray();
        var destination = new byte[DnsName.MaxLength];

        Assert.True(DnsName.TryRead(message, start, destination, out var written, out var next));
        Assert.Equal(Wire("web.svc.mesh"), destination[..written]);
        Assert.Equal(message.Length, next);
    }

    [Fact]
    public async Task TryRead_PointerToItself_ReturnsFalse()
    {
        var message = new DnsPacketBuilder().Repeat(0, 12).Pointer(12).ToArray();

        Assert.False(await TryReadBoundedAsync(message, 12));
    }

    [Fact]
    public async Task TryRead_PointerIntoOwnLabelSequence_ReturnsFalse()
    {
        // "web" at 12, then a pointer back to 12: backwards in the message, but not before the sequence.
        var message = new DnsPacketBuilder().Repeat(0, 12).Label("web").Pointer(12).ToArray();

        Assert.False(await TryReadBoundedAsync(message, 12));
    }

    [Fact]
    public async Task TryRead_ForwardPointer_ReturnsFalse()
    {
        var message = new DnsPacketBuilder().Repeat(0, 12).Pointer(16).Bytes(0, 0).Name("mesh").ToArray();

        Assert.False(await TryReadBoundedAsync(message, 12));
    }

    [Theory]
    [InlineData(0x00FF)]
    [InlineData(0x3FFF)]
    public async Task TryRead_PointerPastEnd_ReturnsFalse(int target)
    {
        var message = new DnsPacketBuilder().Repeat(0, 12).Pointer(target).ToArray();

        Assert.False(await TryReadBoundedAsync(message, 12));
    }

    [Fact]
    public async Task TryRead_PointerCutInHalfByEnd_ReturnsFalse()
    {
        var message = new DnsPacketBuilder().Repeat(0, 12).Label("web").Bytes(0xC0).ToArray();

        Assert.False(await TryReadBoundedAsync(message, 12));
    }

    [Fact]
    public async Task TryRead_TwoPointerCycle_ReturnsFalse()
    {
        // B at 12 points to A at 14; A points back to B: A → B (backward, allowed) → A (not before B).
        var message = new DnsPacketBuilder().Repeat(0, 12).Pointer(14).Pointer(12).ToArray();

        Assert.False(await TryReadBoundedAsync(message, 14));
        Assert.False(await TryReadBoundedAsync(message, 12));
    }

    [Fact]
    public async Task TryRead_CycleThroughLabels_ReturnsFalse()
    {
        // 12: "a" → ptr 20; 20: "b" → ptr 12. Reading from 20: backward to 12, then forward to 20: refused.
        var message = new DnsPacketBuilder().Repeat(0, 12)
            .Label("a").Pointer(20).Repeat(0, 4)
            .Label("b").Pointer(12).ToArray();

        Assert.False(await TryReadBoundedAsync(message, 20));
    }

    [Theory]
    [InlineData(0x40)]
    [InlineData(0x80)]
    [InlineData(0xBF)]
    public void TryRead_ReservedLabelType_ReturnsFalse(byte lengthOctet)
    {
        var message = new DnsPacketBuilder().Bytes(lengthOctet).Repeat((byte)'x', 200).Bytes(0).ToArray();

        Assert.False(DnsName.TryRead(message, 0, new byte[DnsName.MaxLength], out _, out _));
    }

    [Fact]
    public void TryRead_LabelOf63_ReturnsTrue()
    {
        var message = new DnsPacketBuilder().Bytes(63).Repeat((byte)'x', 63).Bytes(0).ToArray();

        Assert.True(DnsName.TryRead(message, 0, new byte[DnsName.MaxLength], out var written, out _));
        Assert.Equal(65, written);
    }

    [Fact]
    public void TryRead_NameOf255Octets_ReturnsTrue()
    {
        var wire = TestNames.OfLength(255);
        var destination = new byte[DnsName.MaxLength];

        Assert.True(DnsName.TryRead(wire, 0, destination, out var written, out var next));
        Assert.Equal(wire, destination[..written]);
        Assert.Equal(255, next);
    }

    [Fact]
    public void TryRead_NameOf256Octets_ReturnsFalse()
    {
        Assert.False(DnsName.TryRead(TestNames.OfLength(256), 0, new byte[DnsName.MaxLength], out _, out _));
    }

    [Fact]
    public void TryRead_127Labels_ReturnsTrue()
    {
        Assert.True(DnsName.TryRead(TestNames.WithLabels(127), 0, new byte[DnsName.MaxLength], out var written, out _));
        Assert.Equal(255, written);
    }

    [Theory]
    [InlineData(61, true)] // 192 + 63 = 255 octets after expansion
    [InlineData(62, false)] // 192 + 64 = 256 octets after expansion
    public void TryRead_PointerExpansionAtLengthLimit_ChecksExpandedLength(int tailLabel, bool expected)
    {
        // A short name at 0, then three 63-octet labels followed by a pointer to it.
        var builder = new DnsPacketBuilder().Bytes((byte)tailLabel).Repeat((byte)'t', tailLabel).Bytes(0);
        var start = builder.Position;
        for (var i = 0; i < 3; i++)
        {
            builder.Bytes(63).Repeat((byte)'h', 63);
        }

        var message = builder.Pointer(0).ToArray();

        Assert.Equal(expected, DnsName.TryRead(message, start, new byte[DnsName.MaxLength], out _, out _));
    }

    [Theory]
    [InlineData("03616263")]
    [InlineData("0561")]
    [InlineData("")]
    public void TryRead_LabelRunningPastEnd_ReturnsFalse(string hex)
    {
        Assert.False(DnsName.TryRead(Convert.FromHexString(hex), 0, new byte[DnsName.MaxLength], out _, out _));
    }

    [Fact]
    public void TrySkip_CompressedName_ReturnsOffsetAfterPointer()
    {
        var message = new DnsPacketBuilder().Name("mesh").Label("web").Pointer(0).UInt16(1).ToArray();

        Assert.True(DnsName.TrySkip(message, 6, out var next));
        Assert.Equal(12, next);
    }

    [Fact]
    public void TrySkip_ForwardPointer_ReturnsFalse()
    {
        var message = new DnsPacketBuilder().Pointer(2).Name("mesh").ToArray();

        Assert.False(DnsName.TrySkip(message, 0, out _));
    }

    // ---- TryParse / Parse / ToText (RFC 1035 §5.1 presentation format) ----

    [Theory]
    [InlineData("web.mesh", "03776562046D65736800")]
    [InlineData("web.mesh.", "03776562046D65736800")]
    [InlineData(".", "00")]
    [InlineData("", "00")]
    [InlineData(@"a\.b.mesh", "03612E62046D65736800")]
    [InlineData(@"\000\255.x", "0200FF017800")]
    [InlineData(@"a\\b", "03615C6200")]
    [InlineData(@"\065", "014100")]
    public void TryParse_ValidText_ReturnsWireForm(string text, string expectedHex)
    {
        Assert.True(DnsName.TryParse(text, out var wire, out var error), error);
        Assert.Equal(expectedHex, Convert.ToHexString(wire));
    }

    [Theory]
    [InlineData("a..b")]
    [InlineData(".a")]
    [InlineData(@"a\")]
    [InlineData(@"\256")]
    [InlineData(@"\999.mesh")]
    [InlineData("caf\u00e9.mesh")]
    public void TryParse_InvalidText_ReturnsFalseWithError(string text)
    {
        Assert.False(DnsName.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void TryParse_LabelOf63_ReturnsTrue()
    {
        Assert.True(DnsName.TryParse(new string('x', 63) + ".mesh", out var wire, out _));
        Assert.Equal(63, wire[0]);
    }

    [Fact]
    public void TryParse_LabelOf64_ReturnsFalse()
    {
        Assert.False(DnsName.TryParse(new string('x', 64) + ".mesh", out _, out _));
    }

    [Fact]
    public void TryParse_NameOf255Octets_ReturnsTrue()
    {
        var text = DnsName.ToText(TestNames.OfLength(255));

        Assert.True(DnsName.TryParse(text, out var wire, out var error), error);
        Assert.Equal(255, wire.Length);
    }

    [Fact]
    public void TryParse_NameOf256Octets_ReturnsFalse()
    {
        var text = DnsName.ToText(TestNames.OfLength(256));

        Assert.False(DnsName.TryParse(text, out _, out _));
    }

    [Fact]
    public void TryParse_127Labels_ReturnsTrue()
    {
        var text = string.Join('.', Enumerable.Repeat("a", 127));

        Assert.True(DnsName.TryParse(text, out var wire, out _));
        Assert.Equal(TestNames.WithLabels(127), wire);
    }

    [Fact]
    public void Parse_InvalidText_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => DnsName.Parse("a..b"));
    }

    [Theory]
    [InlineData("00", ".")]
    [InlineData("03776562046D65736800", "web.mesh.")]
    [InlineData("03612E62046D65736800", @"a\.b.mesh.")]
    [InlineData("03615C6200", @"a\\b.")]
    [InlineData("0400FF207F00", @"\000\255\032\127.")]
    [InlineData("0A22282928403B2458244100", "\\\"\\(\\)\\(\\@\\;\\$X\\$A.")]
    public void ToText_WireName_EscapesSpecialOctets(string hex, string expected)
    {
        Assert.Equal(expected, DnsName.ToText(Convert.FromHexString(hex)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(128)]
    public void ToText_ThenTryParse_RoundTripsEveryOctetValue(int first)
    {
        // Octets first..first+127 in labels of at most 63 (RFC 2181 §11: labels are binary); two names cover 0..255.
        var wire = new List<byte>();
        for (var start = first; start < first + 128; start += 63)
        {
            var length = Math.Min(63, first + 128 - start);
            wire.Add((byte)length);
            wire.AddRange(Enumerable.Range(start, length).Select(b => (byte)b));
        }

        wire.Add(0);

        var text = DnsName.ToText([.. wire]);

        Assert.True(DnsName.TryParse(text, out var parsed, out var error), error);
        Assert.Equal(wire, parsed);
    }

    [Theory]
    [InlineData("Web.MeSh.")]
    [InlineData(@"a\.b.c.")]
    [InlineData(@"\000\001.\.\.\.\\.")]
    [InlineData(".")]
    public void TryParse_ThenToText_RoundTripsPresentationForm(string text)
    {
        Assert.Equal(text, DnsName.ToText(DnsName.Parse(text)));
    }

    [Fact]
    public void ToText_MixedCaseName_PreservesCase()
    {
        var text = DnsName.ToText(Encoding.ASCII.GetBytes("\u0004WeB0\u0004MESH\u0000"));

        Assert.Equal("WeB0.MESH.", text);
    }

    // ---- EqualsIgnoreCase / HashIgnoreCase / FindSuffix / CountLabels (RFC 4343) ----

    [Theory]
    [InlineData("web.mesh", "WEB.MESH", true)]
    [InlineData("wEb.MeSh", "WeB.mEsH", true)]
    [InlineData("web.mesh", "web.mesh", true)]
    [InlineData("web.mesh", "xeb.mesh", false)]
    [InlineData("web.mesh", "webmesh", false)]
    [InlineData("web.mesh", "web.mesh.evil", false)]
    [InlineData("@.mesh", "`.mesh", false)] // 0x40 and 0x60 differ by 0x20 but are not letters
    [InlineData("[.mesh", "{.mesh", false)]
    public void EqualsIgnoreCase_Names_FoldsOnlyAsciiLetters(string left, string right, bool expected)
    {
        Assert.Equal(expected, DnsName.EqualsIgnoreCase(Wire(left), Wire(right)));
    }

    [Fact]
    public void EqualsIgnoreCase_NonAsciiOctetsDifferingBy0x20_ReturnsFalse()
    {
        Assert.False(DnsName.EqualsIgnoreCase([1, 0xC1, 0], [1, 0xE1, 0]));
    }

    [Fact]
    public void HashIgnoreCase_CaseVariants_AreEqual()
    {
        var lower = Wire("web.svc.mesh");
        var expected = DnsName.HashIgnoreCase(lower);

        // Every upper/lower combination of the letters of "web".
        for (var mask = 0; mask < 8; mask++)
        {
            var variant = (byte[])lower.Clone();
            for (var bit = 0; bit < 3; bit++)
            {
                if ((mask & (1 << bit)) != 0)
                {
                    variant[1 + bit] = (byte)char.ToUpperInvariant((char)variant[1 + bit]);
                }
            }

            Assert.True(DnsName.EqualsIgnoreCase(lower, variant));
            Assert.Equal(expected, DnsName.HashIgnoreCase(variant));
        }
    }

    [Fact]
    public void HashIgnoreCase_DifferentNames_Differ()
    {
        Assert.NotEqual(DnsName.HashIgnoreCase(Wire("web.mesh")), DnsName.HashIgnoreCase(Wire("xweb.mesh")));
        Assert.NotEqual(DnsName.HashIgnoreCase(Wire("@.mesh")), DnsName.HashIgnoreCase(Wire("`.mesh")));
    }

    [Theory]
    [InlineData("mesh", "mesh", 0)]
    [InlineData("web.mesh", "mesh", 4)]
    [InlineData("WEB.MESH", "mesh", 4)]
    [InlineData("a.web.Mesh", "web.mesh", 2)]
    [InlineData("web.mesh", ".", 9)]
    [InlineData("xweb.mesh", "web.mesh", -1)]
    [InlineData("web.mesh.evil", "web.mesh", -1)]
    [InlineData("mesh", "web.mesh", -1)]
    [InlineData("webmesh", "mesh", -1)]
    [InlineData(@"a\.mesh", "mesh", -1)] // the dot is inside one label, not a separator
    public void FindSuffix_NameAndApex_ReturnsApexOffsetOrMinusOne(string name, string apex, int expected)
    {
        Assert.Equal(expected, DnsName.FindSuffix(Wire(name), Wire(apex)));
    }

    [Theory]
    [InlineData(".", 0)]
    [InlineData("mesh", 1)]
    [InlineData("a.b.c.mesh", 4)]
    public void CountLabels_Name_ExcludesRoot(string name, int expected)
    {
        Assert.Equal(expected, DnsName.CountLabels(Wire(name)));
    }

    [Fact]
    public void ToLower_EveryOctet_FoldsOnlyAtoZ()
    {
        for (var b = 0; b < 256; b++)
        {
            var expected = b is >= 'A' and <= 'Z' ? b + 0x20 : b;
            Assert.Equal((byte)expected, DnsName.ToLower((byte)b));
        }
    }

    private static async Task<bool> TryReadBoundedAsync(byte[] message, int offset)
    {
        // A decoder that loops never returns: fail the test after a generous bound instead of hanging.
        var read = Task.Run(() => DnsName.TryRead(message, offset, new byte[DnsName.MaxLength], out _, out _));
        var skip = Task.Run(() => DnsName.TrySkip(message, offset, out _));
        var results = await Task.WhenAll(read, skip).WaitAsync(Bound);
        Assert.Equal(results[0], results[1]);
        return results[0];
    }
}
