package io.cxpulse.auth;

import io.cxpulse.config.SecurityConfig;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many live WebSockets one client address, one token and one device may hold at once (issue
 * 19: one viewer token opened 19,958 sockets until the process ran out of file descriptors). The
 * address is counted at the handshake, the token (or the device, for a device token) once it has
 * authenticated; each count is given back when its socket closes. Shared by the HTTP verticles
 * (each socket lives on one of their event loops), so the counts are concurrent maps updated
 * atomically per key; a key whose count falls to zero is removed, so memory follows the sockets
 * that are open. A cap of 0 turns that check off.
 */
public final class ConnectionCaps {
  private final int perToken;
  private final int perDevice;
  private final int perAddress;
  private final Map<String, Integer> tokens = new ConcurrentHashMap<>();
  private final Map<String, Integer> addresses = new ConcurrentHashMap<>();

  public ConnectionCaps(int perToken, int perDevice, int perAddress) {
    this.perToken = perToken;
    this.perDevice = perDevice;
    this.perAddress = perAddress;
  }

  public static ConnectionCaps of(SecurityConfig.Limits limits) {
    return new ConnectionCaps(limits.liveMaxPerToken(), limits.liveMaxPerDevice(), limits.liveMaxPerAddress());
  }

  /** One more socket from this address, or false (nothing counted) when it holds its cap. */
  public boolean openAddress(String address) {
    return acquire(addresses, address, perAddress);
  }

  public void closeAddress(String address) {
    release(addresses, address);
  }

  /**
   * One more socket of this token, or false (nothing counted) at its cap. A device token is
   * counted by its device id, so a reissued or copied token of the same screen shares the count.
   */
  public boolean openToken(String key, boolean device) {
    return acquire(tokens, key, device ? perDevice : perToken);
  }

  public void closeToken(String key) {
    release(tokens, key);
  }

  /** The count key of an authenticated socket: the device, or the token (as the rate limits key it). */
  public static String key(Principal p, String token) {
    return p.device() ? "device\n" + p.tenant() + "\n" + p.tokenId() : RateLimits.tokenKey(p, token);
  }

  private static boolean acquire(Map<String, Integer> counts, String key, int cap) {
    boolean[] admitted = {false};
    counts.compute(key, (k, n) -> {
      int now = n == null ? 0 : n;
      if (cap > 0 && now >= cap) return n;
      admitted[0] = true;
      return now + 1;
    });
    return admitted[0];
  }

  private static void release(Map<String, Integer> counts, String key) {
    counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }
}
