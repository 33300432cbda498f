package io.cxpulse.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ES256 key pair that signs and verifies tokens, as PEM. Read from DATA_DIR/keys, or
 * generated there on first start (development only: production configures its own keys).
 * Both halves are parsed before use, so a broken file stops the start instead of leaving the JWT
 * library with no key (in which case it would accept unsigned tokens).
 */
public record SigningKeys(String privatePem, String publicPem, String keyId) {
  private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);

  public static SigningKeys loadOrGenerate(Path dataDir) {
    Path dir = dataDir.resolve("keys");
    Path privateFile = dir.resolve("jwt-es256-private.pem");
    Path publicFile = dir.resolve("jwt-es256-public.pem");
    try {
      if (!Files.exists(privateFile) || !Files.exists(publicFile)) {
        generate(dir, privateFile, publicFile);
        LOG.warn("generated a development signing key in {}; configure your own keys for production", dir);
      }
      String privatePem = Files.readString(privateFile, StandardCharsets.US_ASCII);
      String publicPem = Files.readString(publicFile, StandardCharsets.US_ASCII);
      KeyFactory ec = KeyFactory.getInstance("EC");
      ec.generatePrivate(new PKCS8EncodedKeySpec(KeyRing.der(privatePem)));
      byte[] publicDer = KeyRing.der(publicPem);
      ec.generatePublic(new X509EncodedKeySpec(publicDer));
      return new SigningKeys(privatePem, publicPem, keyId(publicDer));
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("no usable signing key in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void generate(Path dir, Path privateFile, Path publicFile) throws IOException, GeneralSecurityException {
    Files.createDirectories(dir);
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    Path tmp = dir.resolve("jwt-es256-private.pem.tmp");
    Files.writeString(tmp, KeyRing.pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
    Files.writeString(publicFile, KeyRing.pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.US_ASCII);
    Files.move(tmp, privateFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static String keyId(byte[] publicDer) throws GeneralSecurityException {
    byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(publicDer);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
  }
}
