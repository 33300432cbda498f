package io.cxpulse.auth;

import io.cxpulse.config.SecurityConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys that verify tokens (by kid) and the one that signs ours. Sources: PEM files
 * ({@code JWT_PUBLIC_KEYS}), the identity provider's JWKS ({@code JWKS_URL}, fetched at start,
 * refreshed periodically and on an unknown kid at most once per {@code JWKS_MIN_REFRESH_SECONDS};
 * an outage keeps the last good keys), and the signing key ({@code JWT_PRIVATE_KEY}, whose public
 * half must be among the verification keys under {@code JWT_KEY_ID}). With nothing configured, the
 * generated development key of {@link SigningKeys}.
 *
 * <p>Only ES256 (P-256) and RS256 (≥ 2048 bits) keys are ever admitted, and there is always at
 * least one: with no key the JWT library would accept unsigned tokens, so the server does not
 * start. Shared by every HTTP verticle: the key map is an immutable snapshot behind a volatile
 * field, the refresh state is guarded by this object's lock.
 */
public final class KeyRing {
  private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);
  public static final String ES256 = "ES256";
  public static final String RS256 = "RS256";

  /** A public key the server trusts, with the one algorithm it may verify. */
  public record VerificationKey(String kid, String alg, PublicKey key) {
    /** JWS signature length: 64 bytes for ES256 (R||S), the modulus length for RS256. */
    public int signatureBytes() {
      return key instanceof RSAPublicKey rsa ? (rsa.getModulus().bitLength() + 7) / 8 : 64;
    }

    public String pem() {
      return KeyRing.pem("PUBLIC KEY", key.getEncoded());
    }
  }

  /** The private key that signs device and CLI tokens. */
  public record SigningKey(String kid, String alg, String privatePem) {}

  private final Map<String, VerificationKey> fixed;
  private final SigningKey signer;
  private final boolean development;
  private final String jwksUrl;
  private final long minRefreshMillis;
  private volatile Map<String, VerificationKey> keys;
  private Vertx vertx;
  private HttpClient http;
  private Future<Void> inFlight;
  private long lastRefreshStarted = Long.MIN_VALUE / 2;

  private KeyRing(Map<String, VerificationKey> fixed, SigningKey signer, boolean development, String jwksUrl,
      long minRefreshMillis) {
    this.fixed = Collections.unmodifiableMap(new LinkedHashMap<>(fixed));
    this.signer = signer;
    this.development = development;
    this.jwksUrl = jwksUrl;
    this.minRefreshMillis = minRefreshMillis;
    this.keys = this.fixed;
  }

  /** The development ring: one generated (or given) ES256 pair. */
  public static KeyRing development(SigningKeys dev) {
    PublicKey pub = publicKey(dev.publicPem(), "development key");
    VerificationKey key = admit(dev.keyId(), pub, "development key");
    return new KeyRing(Map.of(key.kid(), key), new SigningKey(dev.keyId(), ES256, dev.privatePem()), true, null, 0);
  }

  /**
   * Reads the configured keys (not the JWKS: see {@link #start}). Fails with
   * IllegalStateException on an unreadable or unsuitable key.
   */
  public static KeyRing fromConfig(SecurityConfig config, Path dataDir) {
    if (config.developmentKeys()) return development(SigningKeys.loadOrGenerate(dataDir));
    Map<String, VerificationKey> fixed = new LinkedHashMap<>();
    config.publicKeys().forEach((kid, file) -> fixed.put(kid, admit(kid, publicKey(read(file), file.toString()), file.toString())));
    SigningKey signer = null;
    if (config.privateKey() != null) {
      String kid = config.keyId();
      if (kid == null && fixed.size() == 1) kid = fixed.keySet().iterator().next();
      if (kid == null) throw new IllegalStateException("JWT_PRIVATE_KEY needs JWT_KEY_ID (the kid of its public key in JWT_PUBLIC_KEYS)");
      VerificationKey pub = fixed.get(kid);
      if (pub == null) {
        throw new IllegalStateException("JWT_KEY_ID '" + kid + "' is not among JWT_PUBLIC_KEYS: its public key must be there, "
            + "so that the tokens it signs verify");
      }
      String pem = read(config.privateKey());
      PrivateKey priv = privateKey(pem, config.privateKey().toString());
      if (!pairs(priv, pub)) throw new IllegalStateException("JWT_PRIVATE_KEY does not match the public key '" + kid + "'");
      signer = new SigningKey(kid, pub.alg(), pem);
    }
    if (fixed.isEmpty() && config.jwksUrl() == null) {
      throw new IllegalStateException("no verification key: set JWT_PUBLIC_KEYS or JWKS_URL");
    }
    return new KeyRing(fixed, signer, false, config.jwksUrl(), config.jwksMinRefresh().toMillis());
  }

  /**
   * Fetches the JWKS (when configured) and schedules its refresh. Fails when, after that, there is
   * no usable key at all: the server must not start without one.
   */
  public Future<Void> start(Vertx vertx, java.time.Duration refresh) {
    if (jwksUrl == null) return keys.isEmpty() ? Future.failedFuture(new IllegalStateException("no verification key")) : Future.succeededFuture();
    synchronized (this) {
      this.vertx = vertx;
      this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setIdleTimeout(30));
    }
    return refresh().transform(ar -> {
      if (keys.isEmpty()) {
        return Future.failedFuture(new IllegalStateException("no usable verification key: the JWKS at " + jwksUrl
            + " could not be read or holds no RS256/ES256 key"
            + (ar.failed() ? " (" + ar.cause().getMessage() + ")" : "")));
      }
      vertx.setPeriodic(refresh.toMillis(), id -> refresh());
      return Future.<Void>succeededFuture();
    });
  }

  public VerificationKey find(String kid) {
    return keys.get(kid);
  }

  public int size() {
    return keys.size();
  }

  /** The only key, when there is exactly one (a token may then omit its kid); otherwise null. */
  public VerificationKey single() {
    Map<String, VerificationKey> now = keys;
    return now.size() == 1 ? now.values().iterator().next() : null;
  }

  public SigningKey signer() {
    return signer;
  }

  public boolean development() {
    return development;
  }

  /**
   * A token named a kid we do not have: fetch the JWKS again, unless that happened less than
   * {@code JWKS_MIN_REFRESH_SECONDS} ago (so that made-up kids cannot make us hammer the identity
   * provider). Completes when there is nothing more to wait for; never fails.
   */
  public Future<Void> refreshForUnknownKid() {
    if (jwksUrl == null) return Future.succeededFuture();
    synchronized (this) {
      if (inFlight != null) return inFlight.recover(e -> Future.succeededFuture());
      if (System.currentTimeMillis() - lastRefreshStarted < minRefreshMillis) return Future.succeededFuture();
    }
    return refresh().recover(e -> Future.succeededFuture());
  }

  private Future<Void> refresh() {
    Promise<Void> promise;
    synchronized (this) {
      if (inFlight != null) return inFlight;
      lastRefreshStarted = System.currentTimeMillis();
      promise = Promise.promise();
      inFlight = promise.future();
    }
    http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(jwksUrl).setTimeout(5_000)
            .putHeader("Accept", "application/json"))
        .compose(req -> req.send())
        .compose(resp -> resp.statusCode() == 200 ? resp.body()
            : Future.failedFuture(new IllegalStateException("JWKS answered HTTP " + resp.statusCode())))
        .map(body -> parseJwks(new JsonObject(body)))
        .onComplete(ar -> {
          synchronized (this) {
            inFlight = null;
          }
          if (ar.succeeded() && !ar.result().isEmpty()) {
            Map<String, VerificationKey> merged = new LinkedHashMap<>(fixed);
            ar.result().forEach(merged::putIfAbsent);
            keys = Collections.unmodifiableMap(merged);
            LOG.info("JWKS {}: {} usable key(s) {}", jwksUrl, ar.result().size(), ar.result().keySet());
            promise.complete();
          } else {
            String why = ar.failed() ? ar.cause().getMessage() : "no usable RS256/ES256 key in it";
            LOG.warn("JWKS {} not updated, keeping the last good keys: {}", jwksUrl, why);
            promise.fail(new IllegalStateException(why));
          }
        });
    return promise.future();
  }

  /** The RS256/ES256 signing keys of a JWK set; every other entry (oct, enc, other curves) is skipped. */
  static Map<String, VerificationKey> parseJwks(JsonObject jwks) {
    Map<String, VerificationKey> out = new LinkedHashMap<>();
    if (!(jwks.getValue("keys") instanceof JsonArray arr)) return out;
    for (Object o : arr) {
      if (!(o instanceof JsonObject jwk)) continue;
      String kid = jwk.getValue("kid") instanceof String s ? s : null;
      String kty = jwk.getValue("kty") instanceof String s ? s : "";
      String use = jwk.getValue("use") instanceof String s ? s : "sig";
      String alg = jwk.getValue("alg") instanceof String s ? s : null;
      if (kid == null || kid.isEmpty() || !use.equals("sig")) continue;
      try {
        PublicKey key;
        if (kty.equals("RSA") && (alg == null || alg.equals(RS256))) {
          key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
              new BigInteger(1, b64(jwk.getString("n"))), new BigInteger(1, b64(jwk.getString("e")))));
        } else if (kty.equals("EC") && "P-256".equals(jwk.getValue("crv")) && (alg == null || alg.equals(ES256))) {
          AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
          params.init(new ECGenParameterSpec("secp256r1"));
          key = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
              new ECPoint(new BigInteger(1, b64(jwk.getString("x"))), new BigInteger(1, b64(jwk.getString("y")))),
              params.getParameterSpec(ECParameterSpec.class)));
        } else {
          continue;
        }
        out.put(kid, admit(kid, key, "JWKS key " + kid));
      } catch (GeneralSecurityException | RuntimeException e) {
        LOG.warn("JWKS key {} skipped: {}", kid, e.getMessage());
      }
    }
    return out;
  }

  private static VerificationKey admit(String kid, PublicKey key, String what) {
    if (key instanceof ECPublicKey ec) {
      if (ec.getParams().getCurve().getField().getFieldSize() != 256) {
        throw new IllegalStateException(what + ": only P-256 EC keys (ES256) are accepted");
      }
      return new VerificationKey(kid, ES256, key);
    }
    if (key instanceof RSAPublicKey rsa) {
      if (rsa.getModulus().bitLength() < 2048) throw new IllegalStateException(what + ": RSA keys need at least 2048 bits");
      return new VerificationKey(kid, RS256, key);
    }
    throw new IllegalStateException(what + ": only EC P-256 and RSA public keys are accepted");
  }

  private static boolean pairs(PrivateKey priv, VerificationKey pub) {
    try {
      boolean ec = pub.alg().equals(ES256);
      if (ec != (priv instanceof ECPrivateKey) || !ec && !(priv instanceof RSAPrivateKey)) return false;
      byte[] probe = "cxpulse key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(ec ? "SHA256withECDSA" : "SHA256withRSA");
      s.initSign(priv);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(ec ? "SHA256withECDSA" : "SHA256withRSA");
      v.initVerify(pub.key());
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read key file " + file + ": " + e.getMessage(), e);
    }
  }

  /** A "PUBLIC KEY" (SubjectPublicKeyInfo) or "CERTIFICATE" PEM. */
  static PublicKey publicKey(String pem, String what) {
    try {
      if (pem.contains("-----BEGIN CERTIFICATE-----")) {
        return CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).getPublicKey();
      }
      if (!pem.contains("-----BEGIN PUBLIC KEY-----")) throw new IllegalArgumentException("not a PUBLIC KEY or CERTIFICATE PEM");
      byte[] der = der(pem);
      for (String type : new String[] {"EC", "RSA"}) {
        try {
          return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException ignored) {
          // try the other type
        }
      }
      throw new IllegalArgumentException("neither an EC nor an RSA public key");
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(what + ": " + e.getMessage(), e);
    }
  }

  /** A "PRIVATE KEY" (PKCS#8) PEM. */
  static PrivateKey privateKey(String pem, String what) {
    if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new IllegalStateException(what + ": not a PKCS#8 PRIVATE KEY PEM (convert with openssl pkcs8 -topk8 -nocrypt)");
    }
    byte[] der = der(pem);
    for (String type : new String[] {"EC", "RSA"}) {
      try {
        return KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException ignored) {
        // try the other type
      }
    }
    throw new IllegalStateException(what + ": neither an EC nor an RSA private key");
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  static byte[] der(String pem) {
    String body = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
    return Base64.getDecoder().decode(body);
  }

  private static byte[] b64(String value) {
    if (value == null) throw new IllegalArgumentException("missing JWK member");
    return Base64.getUrlDecoder().decode(value);
  }
}
