using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PSBuildUpload.Sandbox;

namespace PSBuildUpload.Tests.Bitrise;

/// <summary>SSH keys in the formats users hand over, and small helpers of the Bitrise tests.</summary>
internal static class BitriseTestData
{
    /// <summary>
    /// An unencrypted OpenSSH ed25519 private key (PROTOCOL.key layout; random key bytes, which nothing here
    /// verifies) and its public line. <paramref name="cipher"/> other than "none" makes a passphrase-protected one.
    /// </summary>
    public static (string PrivateKey, string PublicKey) OpenSshKey(string comment = "ci@example.com", string cipher = "none")
    {
        var publicBytes = RandomNumberGenerator.GetBytes(32);
        var publicBlob = Concat(Str("ssh-ed25519"), Str(publicBytes));
        var check = RandomNumberGenerator.GetBytes(4);
        var privateSection = Concat(check, check, Str("ssh-ed25519"), Str(publicBytes), Str(RandomNumberGenerator.GetBytes(64)), Str(comment));
        var padding = new List<byte>();
        for (byte i = 1; (privateSection.Length + padding.Count) % 8 != 0; i++)
        {
            padding.Add(i);
        }

        var blob = Concat(
            Encoding.ASCII.GetBytes("openssh-key-v1\0"),
            Str(cipher),
            Str(cipher == "none" ? "none" : "bcrypt"),
            Str(cipher == "none" ? Array.Empty<byte>() : RandomNumberGenerator.GetBytes(24)),
            UInt32(1),
            Str(publicBlob),
            Str(Concat(privateSection, padding.ToArray())));
        var base64 = Convert.ToBase64String(blob);
        var text = new StringBuilder("-----BEGIN OPENSSH PRIVATE KEY-----\n");
        for (var i = 0; i < base64.Length; i += 70)
        {
            text.Append(base64, i, Math.Min(70, base64.Length - i)).Append('\n');
        }

        text.Append("-----END OPENSSH PRIVATE KEY-----\n");
        return (text.ToString(), "ssh-ed25519 " + Convert.ToBase64String(publicBlob) + " " + comment);
    }

    /// <summary>A PEM (PKCS#1) RSA private key, which does not hold its public key, and the OpenSSH public line.</summary>
    public static (string PrivateKey, string PublicKey) RsaPemKey()
    {
        using var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(false);
        var blob = Concat(Str("ssh-rsa"), MpInt(p.Exponent!), MpInt(p.Modulus!));
        return (rsa.ExportRSAPrivateKeyPem() + "\n", "ssh-rsa " + Convert.ToBase64String(blob) + " rsa@example.com");
    }

    /// <summary>The secret lines of a key: each base64 line of its body.</summary>
    public static IEnumerable<string> SecretLines(string privateKey) =>
        privateKey.Split('\n').Select(l => l.Trim()).Where(l => l.Length >= 16 && !l.StartsWith("-----", StringComparison.Ordinal));

    public static string WriteTemp(string name, string text)
    {
        var folder = Directory.CreateTempSubdirectory("psbu-bitrise-").FullName;
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Asserts that a script wrote no error, showing the errors when it did.</summary>
    public static void NoErrors(PSBuildUpload.Tests.Infrastructure.PsResult result) =>
        Xunit.Assert.True(!result.AllErrors.Any(), string.Join("\n", result.AllErrors.Select(e => e.FullyQualifiedErrorId + ": " + e)));

    public static JsonElement Json(string? text) => JsonDocument.Parse(text ?? "null").RootElement.Clone();

    /// <summary>The property names of a JSON object, sorted.</summary>
    public static string[] Keys(JsonElement element) => element.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();

    /// <summary>An HTTP client that calls the sandbox directly, to show what the emulated API itself accepts.</summary>
    public static HttpClient Direct(SandboxServer sandbox, bool withToken = true)
    {
        var client = new HttpClient { BaseAddress = sandbox.BaseUri };
        if (withToken)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "token " + sandbox.Tokens.Bitrise);
        }

        return client;
    }

    private static byte[] Str(string text) => Str(Encoding.ASCII.GetBytes(text));

    private static byte[] Str(byte[] bytes) => Concat(UInt32((uint)bytes.Length), bytes);

    private static byte[] UInt32(uint value) => new[] { (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value };

    private static byte[] MpInt(byte[] magnitude)
    {
        var trimmed = magnitude.SkipWhile(b => b == 0).ToArray();
        return Str(trimmed.Length > 0 && (trimmed[0] & 0x80) != 0 ? new byte[] { 0 }.Concat(trimmed).ToArray() : trimmed);
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
