using System.Security.Cryptography;
using ActorDns.Host.Api.Auth;
using ActorDns.Host.Configuration;
using Xunit;

namespace ActorDns.Host.Tests.Auth;

/// <summary>The token signing key: generated 0600 when none is named, refused when others may read it or it is no key.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ApiSigningKeyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actordns-key-").FullName;

    [Fact]
    public void Load_NoneNamed_GeneratesOneOwnerOnly_AndLoadsTheSameNextTime()
    {
        using var first = ApiSigningKey.Load(new ApiSecurityOptions(null, true, false), _dir);
        using var second = ApiSigningKey.Load(new ApiSecurityOptions(null, true, false), _dir);

        var path = Path.Combine(_dir, ApiSigningKey.DefaultFileName);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(2048, first.KeySize);
        Assert.Equal(first.ExportRSAPublicKeyPem(), second.ExportRSAPublicKeyPem());
    }

    [Theory]
    [InlineData(UnixFileMode.OtherRead, "readable or writable by others (mode 604)")]
    [InlineData(UnixFileMode.GroupRead, "readable or writable by others (mode 640)")]
    public void Load_KeyOthersMayRead_IsRefusedNamingTheFix(UnixFileMode extra, string message)
    {
        var path = WriteKey(2048);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | extra);

        var error = Assert.Throws<OptionsException>(() => ApiSigningKey.Load(new ApiSecurityOptions(path, false, false), _dir));

        Assert.Equal($"--api-token-signing-key {path}: {message}; allow only its owner: chmod 600 {path}", error.Message);
    }

    [Fact]
    public void Load_NamedFileMissingNotAPrivateKeyOrShort_IsRefused()
    {
        var missing = Path.Combine(_dir, "missing.pem");
        var garbage = Path.Combine(_dir, "garbage.pem");
        SecretFile.TryCreate(garbage, "not a key");
        var shortKey = WriteKey(1024);
        var publicOnly = Path.Combine(_dir, "public.pem");
        using (var pair = RSA.Create(2048))
        {
            SecretFile.TryCreate(publicOnly, pair.ExportSubjectPublicKeyInfoPem());
        }

        Assert.EndsWith("missing.pem: no such file", Assert.Throws<OptionsException>(() => ApiSigningKey.Load(new ApiSecurityOptions(missing, false, false), _dir)).Message);
        Assert.EndsWith("garbage.pem: not an RSA private key in PEM", Assert.Throws<OptionsException>(() => ApiSigningKey.Load(new ApiSecurityOptions(garbage, false, false), _dir)).Message);
        Assert.EndsWith("public.pem: not an RSA private key in PEM", Assert.Throws<OptionsException>(() => ApiSigningKey.Load(new ApiSecurityOptions(publicOnly, false, false), _dir)).Message);
        Assert.EndsWith("an RSA key of 1024 bits; at least 2048 are needed", Assert.Throws<OptionsException>(() => ApiSigningKey.Load(new ApiSecurityOptions(shortKey, false, false), _dir)).Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteKey(int bits)
    {
        var path = Path.Combine(_dir, $"key-{bits}.pem");
        using var key = RSA.Create(bits);
        Assert.True(SecretFile.TryCreate(path, key.ExportPkcs8PrivateKeyPem()));
        return path;
    }
}
