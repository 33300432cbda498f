package io.cxpulse.live;

/**
 * Why the server closes a live WebSocket: the close code and reason each client sees (RFC 6455
 * codes where one fits, 4xxx after the HTTP status they resemble). docs/live-protocol.md lists
 * them with what a client should do.
 */
public final class CloseCodes {
  /** The server is shutting down: reconnect (to another node if there is one). */
  public static final short GOING_AWAY = 1001;
  /** A binary message: the protocol is JSON text. */
  public static final short UNSUPPORTED_DATA = 1003;
  /** A text message that is not valid UTF-8 (RFC 6455: inconsistent data). */
  public static final short INVALID_PAYLOAD = 1007;
  /**
   * The token (LIVE_MAX_PER_TOKEN), the device (LIVE_MAX_PER_DEVICE) already holds its cap of live
   * sockets (RFC 6455: policy violation): close another one, or retry later with backoff.
   */
  public static final short TOO_MANY_CONNECTIONS = 1008;
  /**
   * A client message over {@link LiveSession#MAX_CLIENT_MESSAGE_BYTES}, whole or in fragments (and
   * so any over the transport's 64 KiB message limit): clients send only small control messages.
   */
  public static final short MESSAGE_TOO_BIG = 1009;
  /** The token could not be checked right now (key set unreachable): retry later. */
  public static final short TRY_AGAIN_LATER = 1013;
  /** No, a bad, an expired or a revoked token, or a first message that is not auth: get a new token. */
  public static final short UNAUTHORIZED = 4401;
  /** The token is good but may not watch scorecards (role or tenant). */
  public static final short FORBIDDEN = 4403;
  /** The client stopped answering pings for LIVE_IDLE_TIMEOUT_MS. */
  public static final short NO_PONG = 4408;
  /** The client stopped reading: its write queue stayed full for LIVE_STUCK_TIMEOUT_MS. */
  public static final short TOO_SLOW = 4429;

  private CloseCodes() {}
}
