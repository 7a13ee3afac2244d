using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Numerics;
using System.Text;
using Seawall.HostAudit.Access;

namespace Seawall.HostAudit.Ssh;

/// <summary>A host key's algorithm and size, read from its public half.</summary>
/// <param name="Type">"rsa", "dsa", "ecdsa", "ed25519", or the key type name when unknown.</param>
/// <param name="Bits">Modulus (RSA, DSA p) or curve size.</param>
/// <param name="Source">The file it was read from.</param>
public sealed record HostKeyInfo(string Type, int Bits, string Source);

/// <summary>
/// Reads the key type and size of an sshd host key without keeping any secret: from "&lt;key&gt;.pub" (the base64 blob
/// of RFC 4253 6.6), else from the public key an "openssh-key-v1" private key file carries in clear, else from the
/// header and modulus of a PEM (PKCS#1) private key.
/// </summary>
public static class HostKeyFile
{
    private const long MaxKeyFileBytes = 64 * 1024;

    /// <summary>The key at path (root-relative private key path); null when neither half is there or readable.</summary>
    public static HostKeyInfo? Read(HostFileTree files, string privateKeyPath)
    {
        var publicPath = privateKeyPath + ".pub";
        if (files.ReadText(publicPath, MaxKeyFileBytes) is { } publicText &&
            FromPublicKeyLine(publicText) is { } fromPublic)
        {
            return fromPublic with { Source = publicPath };
        }
        if (files.ReadText(privateKeyPath, MaxKeyFileBytes) is { } privateText)
        {
            return FromPrivateKey(privateText) is { } fromPrivate ? fromPrivate with { Source = privateKeyPath } : null;
        }
        return null;
    }

    /// <summary>"ssh-rsa AAAA... comment".</summary>
    public static HostKeyInfo? FromPublicKeyLine(string text)
    {
        var fields = text.Trim().Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 2)
        {
            return null;
        }
        try
        {
            return FromBlob(Convert.FromBase64String(fields[1]));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The SSH wire-format public key: string type, then the type's fields.</summary>
    public static HostKeyInfo? FromBlob(ReadOnlySpan<byte> blob)
    {
        var reader = new SshWireReader(blob);
        var type = reader.String();
        if (type is null)
        {
            return null;
        }
        switch (type)
        {
            case "ssh-rsa":
                _ = reader.Bytes(); // e
                return reader.Bytes() is { } modulus ? new HostKeyInfo("rsa", BitLength(modulus), string.Empty) : null;
            case "ssh-dss":
                return reader.Bytes() is { } p ? new HostKeyInfo("dsa", BitLength(p), string.Empty) : null;
            case "ssh-ed25519":
                return new HostKeyInfo("ed25519", 256, string.Empty);
            case "ssh-ed448":
                return new HostKeyInfo("ed448", 456, string.Empty);
            default:
                if (type.StartsWith("ecdsa-sha2-nistp", StringComparison.Ordinal) && int.TryParse(type["ecdsa-sha2-nistp".Length..], out var curveBits))
                {
                    return new HostKeyInfo("ecdsa", curveBits, string.Empty);
                }
                return new HostKeyInfo(type, 0, string.Empty);
        }
    }

    /// <summary>An OpenSSH or PEM private key file; only public parts are looked at.</summary>
    public static HostKeyInfo? FromPrivateKey(string text)
    {
        var body = PemBody(text, out var label);
        if (body is null)
        {
            return null;
        }
        switch (label)
        {
            case "OPENSSH PRIVATE KEY":
                // "openssh-key-v1\0", cipher, kdf, kdf options, key count, then the first public key in clear.
                var magic = "openssh-key-v1\0"u8;
                if (!body.AsSpan().StartsWith(magic))
                {
                    return null;
                }
                var reader = new SshWireReader(body.AsSpan(magic.Length));
                _ = reader.String();
                _ = reader.String();
                _ = reader.Bytes();
                if (reader.UInt32() is not >= 1)
                {
                    return null;
                }
                return reader.Bytes() is { } blob ? FromBlob(blob) : null;
            case "DSA PRIVATE KEY":
                return new HostKeyInfo("dsa", Pkcs1Integer(body, index: 1) is { } p ? BitLength(p) : 0, string.Empty);
            case "RSA PRIVATE KEY":
                // RSAPrivateKey ::= SEQUENCE { version, modulus, ... } (RFC 8017 A.1.2).
                return new HostKeyInfo("rsa", Pkcs1Integer(body, index: 1) is { } n ? BitLength(n) : 0, string.Empty);
            case "EC PRIVATE KEY":
                return new HostKeyInfo("ecdsa", 0, string.Empty);
            default:
                return null;
        }
    }

    private static byte[]? PemBody(string text, out string? label)
    {
        label = null;
        var begin = text.IndexOf("-----BEGIN ", StringComparison.Ordinal);
        if (begin < 0)
        {
            return null;
        }
        var labelEnd = text.IndexOf("-----", begin + 11, StringComparison.Ordinal);
        if (labelEnd < 0)
        {
            return null;
        }
        label = text[(begin + 11)..labelEnd];
        var end = text.IndexOf("-----END ", labelEnd, StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }
        var base64 = new StringBuilder();
        foreach (var line in text[(labelEnd + 5)..end].Split('\n'))
        {
            // Encrypted PEM keys carry "Proc-Type:" and "DEK-Info:" headers before the body.
            if (!line.Contains(':', StringComparison.Ordinal))
            {
                base64.Append(line.Trim());
            }
        }
        try
        {
            return Convert.FromBase64String(base64.ToString());
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static byte[]? Pkcs1Integer(byte[] der, int index)
    {
        try
        {
            var sequence = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
            for (var i = 0; i < index; i++)
            {
                _ = sequence.ReadIntegerBytes();
            }
            return sequence.ReadIntegerBytes().ToArray();
        }
        catch (AsnContentException)
        {
            // An encrypted PEM body is no DER.
            return null;
        }
    }

    private static int BitLength(ReadOnlySpan<byte> unsignedBigEndian) =>
        (int)new BigInteger(unsignedBigEndian, isUnsigned: true, isBigEndian: true).GetBitLength();

    /// <summary>RFC 4251 5: uint32 and length-prefixed strings, never reading past the end.</summary>
    private ref struct SshWireReader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public uint? UInt32()
        {
            if (_rest.Length < 4)
            {
                return null;
            }
            var value = BinaryPrimitives.ReadUInt32BigEndian(_rest);
            _rest = _rest[4..];
            return value;
        }

        public byte[]? Bytes()
        {
            if (UInt32() is not { } length || length > (uint)_rest.Length)
            {
                return null;
            }
            var value = _rest[..(int)length].ToArray();
            _rest = _rest[(int)length..];
            return value;
        }

        public string? String() => Bytes() is { } bytes ? Encoding.ASCII.GetString(bytes) : null;
    }
}
