using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Broadcaster.Node.Configuration;

namespace Broadcaster.Node.Tls;

/// <summary>
/// Traditional OpenSSL encrypted keys ("-----BEGIN RSA PRIVATE KEY-----" with "Proc-Type: 4,ENCRYPTED" and
/// "DEK-Info"), as <c>openssl genrsa -aes256</c> and older tools write them. .NET reads only PKCS#8, so the
/// key is derived here as OpenSSL does (EVP_BytesToKey, MD5, one round, salt = first 8 bytes of the IV).
/// </summary>
public static partial class LegacyPemKey
{
    public sealed record Block(string Label, string Cipher, byte[] Iv, byte[] Data);

    [GeneratedRegex(@"-----BEGIN (?<label>RSA PRIVATE KEY|EC PRIVATE KEY|DSA PRIVATE KEY)-----\s*(?<headers>(?:[A-Za-z-]+:[^\r\n]*\r?\n)+)\s*(?<body>[A-Za-z0-9+/=\s]*?)-----END \k<label>-----")]
    private static partial Regex BlockRegex();

    public static Block? TryFind(string text)
    {
        foreach (Match m in BlockRegex().Matches(text))
        {
            var headers = m.Groups["headers"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (!headers.Any(h => h.StartsWith("Proc-Type:", StringComparison.OrdinalIgnoreCase) && h.Contains("ENCRYPTED", StringComparison.OrdinalIgnoreCase)))
                continue;
            var dek = headers.FirstOrDefault(h => h.StartsWith("DEK-Info:", StringComparison.OrdinalIgnoreCase));
            var parts = dek?["DEK-Info:".Length..].Split(',', StringSplitOptions.TrimEntries);
            var cipher = parts is { Length: 2 } ? parts[0].ToUpperInvariant() : "";
            byte[] iv = [];
            byte[] data = [];
            try
            {
                if (parts is { Length: 2 }) iv = Convert.FromHexString(parts[1]);
                data = Convert.FromBase64String(m.Groups["body"].Value);
            }
            catch (FormatException)
            {
                cipher = "";
            }
            return new Block(m.Groups["label"].Value, cipher, iv, data);
        }
        return null;
    }

    public static AsymmetricAlgorithm Decrypt(Block block, string path, string passphrase)
    {
        const string convert = "convert it to PKCS#8 with `openssl pkcs8 -topk8 -in old.key -out new.key` (add -nocrypt for an unencrypted key)";
        if (passphrase.Length == 0)
            throw new SettingsException($"broadcaster.tls.passphrase: the private key in '{path}' is encrypted (Proc-Type: 4,ENCRYPTED): set broadcaster.tls.passphrase (LARAVEL_WEBSOCKETS_SSL_PASSPHRASE)");
        if (block.Label == "DSA PRIVATE KEY")
            throw new SettingsException($"broadcaster.tls.key: '{path}' is a DSA key; use an RSA or ECDSA key");
        SymmetricAlgorithm? algorithm = block.Cipher switch
        {
            "AES-128-CBC" or "AES-192-CBC" or "AES-256-CBC" => Aes.Create(),
            "DES-EDE3-CBC" => TripleDES.Create(),
            _ => null,
        };
        if (algorithm is null || block.Iv.Length != algorithm.BlockSize / 8)
            throw new SettingsException($"broadcaster.tls.key: '{path}' is encrypted with '{block.Cipher}', which cannot be read: {convert}");
        using (algorithm)
        {
            var keyBytes = block.Cipher switch
            {
                "AES-128-CBC" => 16,
                "AES-192-CBC" or "DES-EDE3-CBC" => 24,
                _ => 32,
            };
            algorithm.Key = BytesToKey(Encoding.UTF8.GetBytes(passphrase), block.Iv.AsSpan(0, 8), keyBytes);
            byte[] der;
            try
            {
                der = algorithm.DecryptCbc(block.Data, block.Iv, PaddingMode.PKCS7);
            }
            catch (CryptographicException)
            {
                throw new SettingsException($"broadcaster.tls.passphrase: wrong passphrase for the private key in '{path}'");
            }
            try
            {
                if (block.Label == "RSA PRIVATE KEY")
                {
                    var rsa = RSA.Create();
                    rsa.ImportRSAPrivateKey(der, out _);
                    return rsa;
                }
                var ec = ECDsa.Create();
                ec.ImportECPrivateKey(der, out _);
                return ec;
            }
            catch (CryptographicException)
            {
                // Padding happened to check out with a wrong key: the plaintext is garbage.
                throw new SettingsException($"broadcaster.tls.passphrase: wrong passphrase for the private key in '{path}'");
            }
        }
    }

    /// <summary>OpenSSL's EVP_BytesToKey with MD5 and one iteration.</summary>
    public static byte[] BytesToKey(byte[] password, ReadOnlySpan<byte> salt, int length)
    {
        var key = new List<byte>(length + 16);
        byte[] previous = [];
        while (key.Count < length)
        {
            var input = new byte[previous.Length + password.Length + salt.Length];
            previous.CopyTo(input, 0);
            password.CopyTo(input, previous.Length);
            salt.CopyTo(input.AsSpan(previous.Length + password.Length));
#pragma warning disable CA5351 // MD5 is what the legacy format uses
            previous = MD5.HashData(input);
#pragma warning restore CA5351
            key.AddRange(previous);
        }
        return key.GetRange(0, length).ToArray();
    }
}
