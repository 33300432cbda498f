package io.cxpulse.auth;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.List;

/**
 * The client's address for rate limits: the peer of the connection, unless that peer is a
 * configured trusted proxy ({@code TRUSTED_PROXIES}, exact addresses), in which case the
 * right-most address of {@code X-Forwarded-For} that is not itself a trusted proxy. Without
 * trusted proxies the header is ignored: anyone can write it.
 */
public final class ClientAddress {
  private ClientAddress() {}

  public static String of(HttpServerRequest request, List<String> trustedProxies) {
    SocketAddress remote = request.remoteAddress();
    String peer = remote == null ? "unknown" : remote.hostAddress();
    if (trustedProxies.isEmpty() || !trustedProxies.contains(peer)) return peer;
    String forwarded = request.getHeader("X-Forwarded-For");
    if (forwarded == null) return peer;
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (hop.isEmpty() || hop.length() > 64) break;
      if (!trustedProxies.contains(hop)) return hop;
    }
    return peer;
  }
}
