using System;
using System.Security.Cryptography;
using System.Text;
using PSBuildUpload.Engine.Diagnostics;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Engine.Bitrise;

/// <summary>
/// Checks an SSH key pair before it is sent to Bitrise, and finds the public half of an OpenSSH private key. No
/// message here ever quotes the private key: it says what is wrong with it, not what it contains.
/// </summary>
public static class BitriseSshKeys
{
    private const string OpenSshMagic = "openssh-key-v1\0";

    /// <summary>
    /// Registers the private key with the redactor, checks it is an unencrypted PEM/OpenSSH private key, and returns
    /// the public key to send: <paramref name="publicKey"/> when given (checked), otherwise the one inside an OpenSSH
    /// private key.
    /// </summary>
    /// <param name="source">Where the private key came from, for messages (a path or "-PrivateKey").</param>
    public static string Prepare(string privateKey, string? publicKey, string source)
    {
        if (privateKey is null)
        {
            throw new ArgumentNullException(nameof(privateKey));
        }

        RegisterSecret(privateKey);
        var text = privateKey.Trim();
        if (text.Length == 0)
        {
            throw Invalid($"The private key from {source} is empty.", source);
        }

        if (LooksLikePublicKey(text))
        {
            throw Invalid($"{source} holds a public key. Give the private key (the file without .pub) and, if needed, the public key with -PublicKey or -PublicKeyPath.", source);
        }

        if (text.StartsWith("PuTTY-User-Key-File", StringComparison.Ordinal))
        {
            throw Invalid($"{source} is a PuTTY key (.ppk). Export it in OpenSSH format (puttygen: Conversions > Export OpenSSH key) and give that file.", source);
        }

        var begin = text.IndexOf("-----BEGIN ", StringComparison.Ordinal);
        var headerEnd = begin < 0 ? -1 : text.IndexOf("-----", begin + 11, StringComparison.Ordinal);
        if (begin < 0 || headerEnd < 0 || text.IndexOf("-----END ", StringComparison.Ordinal) < 0)
        {
            throw Invalid($"{source} is not a PEM or OpenSSH private key (no '-----BEGIN … PRIVATE KEY-----' block).", source);
        }

        var label = text.Substring(begin + 11, headerEnd - begin - 11);
        if (!label.EndsWith("PRIVATE KEY", StringComparison.Ordinal))
        {
            throw Invalid($"{source} holds a '{label}' block, not a private key.", source);
        }

        if (label.IndexOf("ENCRYPTED", StringComparison.Ordinal) >= 0 || text.IndexOf("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal) >= 0)
        {
            throw Invalid($"The private key from {source} is protected by a passphrase; Bitrise needs a key without one to clone. Make a deploy key without a passphrase (ssh-keygen -N '').", source);
        }

        string? derived = null;
        if (label == "OPENSSH PRIVATE KEY")
        {
            derived = FromOpenSsh(text, source);
        }

        if (!string.IsNullOrWhiteSpace(publicKey))
        {
            var given = CheckPublicKey(publicKey!);
            if (derived is not null && !SameKey(given, derived))
            {
                throw Invalid($"The public key given does not belong to the private key from {source}. Give the matching .pub file, or leave the public key out: it is read from the private key.", source);
            }

            return given;
        }

        return derived ?? throw Invalid(
            $"The public key cannot be read from the private key from {source} (only OpenSSH-format keys hold it). Give it with -PublicKeyPath or -PublicKey.",
            source);
    }

    /// <summary>The fingerprint <c>ssh-keygen -l -E sha256</c> shows, and the key type.</summary>
    public static (string Type, string Fingerprint) Describe(string publicKey)
    {
        var parts = (publicKey ?? string.Empty).Trim().Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2)
        {
            return (string.Empty, string.Empty);
        }

        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Convert.FromBase64String(parts[1]));
        return (parts[0], "SHA256:" + Convert.ToBase64String(hash).TrimEnd('='));
    }

    /// <summary>Registers a key and each of its longer lines, so no message can show even a part of it.</summary>
    internal static void RegisterSecret(string secret)
    {
        Redactor.Register(secret);
        Redactor.Register(secret.Trim());
        foreach (var line in secret.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length >= 16 && !trimmed.StartsWith("-----", StringComparison.Ordinal))
            {
                Redactor.Register(trimmed);
            }
        }
    }

    private static bool LooksLikePublicKey(string text) =>
        text.StartsWith("ssh-", StringComparison.Ordinal)
        || text.StartsWith("ecdsa-sha2-", StringComparison.Ordinal)
        || text.StartsWith("sk-", StringComparison.Ordinal)
        || text.StartsWith("---- BEGIN SSH2 PUBLIC KEY", StringComparison.Ordinal);

    private static string CheckPublicKey(string publicKey)
    {
        var text = publicKey.Trim();
        if (text.IndexOf("PRIVATE KEY", StringComparison.Ordinal) >= 0)
        {
            RegisterSecret(publicKey);
            throw Invalid("The public key given is a private key. Give the .pub file (or leave the public key out for an OpenSSH private key).", "-PublicKey");
        }

        var parts = text.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
        byte[] blob;
        try
        {
            blob = parts.Length >= 2 ? Convert.FromBase64String(parts[1]) : Array.Empty<byte>();
        }
        catch (FormatException)
        {
            blob = Array.Empty<byte>();
        }

        var offset = 0;
        if (blob.Length == 0 || !TryReadString(blob, ref offset, out var type) || Encoding.ASCII.GetString(type) != parts[0])
        {
            throw Invalid("The public key is not in OpenSSH format ('ssh-ed25519 AAAA… comment', as in a .pub file).", "-PublicKey");
        }

        return text;
    }

    private static bool SameKey(string a, string b)
    {
        var x = a.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
        var y = b.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
        return x.Length >= 2 && y.Length >= 2 && x[0] == y[0] && x[1] == y[1];
    }

    /// <summary>
    /// The public key inside an OpenSSH private key (PROTOCOL.key: magic, cipher, kdf, kdf options, key count, then
    /// the public keys in the clear); refuses a key whose cipher is not "none" (it has a passphrase).
    /// </summary>
    private static string FromOpenSsh(string text, string source)
    {
        var body = new StringBuilder();
        var inside = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("-----BEGIN ", StringComparison.Ordinal))
            {
                inside = true;
                continue;
            }

            if (line.StartsWith("-----END ", StringComparison.Ordinal))
            {
                break;
            }

            if (inside)
            {
                body.Append(line);
            }
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(body.ToString());
        }
        catch (FormatException)
        {
            throw Invalid($"The OpenSSH private key from {source} is damaged (its body is not base64).", source);
        }

        var magic = Encoding.ASCII.GetBytes(OpenSshMagic);
        var offset = magic.Length;
        if (bytes.Length < magic.Length || !StartsWith(bytes, magic)
            || !TryReadString(bytes, ref offset, out var cipher)
            || !TryReadString(bytes, ref offset, out _)
            || !TryReadString(bytes, ref offset, out _)
            || !TryReadUInt32(bytes, ref offset, out var count) || count < 1
            || !TryReadString(bytes, ref offset, out var publicBlob))
        {
            throw Invalid($"The OpenSSH private key from {source} is damaged or of an unknown version.", source);
        }

        if (Encoding.ASCII.GetString(cipher) != "none")
        {
            throw Invalid($"The private key from {source} is protected by a passphrase; Bitrise needs a key without one to clone. Make a deploy key without a passphrase (ssh-keygen -N '').", source);
        }

        var blobOffset = 0;
        if (!TryReadString(publicBlob, ref blobOffset, out var type))
        {
            throw Invalid($"The OpenSSH private key from {source} is damaged (no key type).", source);
        }

        return Encoding.ASCII.GetString(type) + " " + Convert.ToBase64String(publicBlob);
    }

    private static bool StartsWith(byte[] bytes, byte[] prefix)
    {
        for (var i = 0; i < prefix.Length; i++)
        {
            if (bytes[i] != prefix[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryReadUInt32(byte[] bytes, ref int offset, out uint value)
    {
        value = 0;
        if (offset + 4 > bytes.Length)
        {
            return false;
        }

        value = ((uint)bytes[offset] << 24) | ((uint)bytes[offset + 1] << 16) | ((uint)bytes[offset + 2] << 8) | bytes[offset + 3];
        offset += 4;
        return true;
    }

    private static bool TryReadString(byte[] bytes, ref int offset, out byte[] value)
    {
        value = Array.Empty<byte>();
        if (!TryReadUInt32(bytes, ref offset, out var length) || length > (uint)(bytes.Length - offset))
        {
            return false;
        }

        value = new byte[length];
        Array.Copy(bytes, offset, value, 0, (int)length);
        offset += (int)length;
        return true;
    }

    private static BuildServiceException Invalid(string message, string source) =>
        new(ErrorIds.Bitrise.InvalidSshKey, ErrorKind.InvalidArgument, message, source);
}
