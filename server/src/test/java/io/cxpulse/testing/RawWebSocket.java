package io.cxpulse.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket that reads only when told to: a screen whose network or
 * browser has stalled. (A Vert.x client keeps reading into memory even when paused.)
 */
public final class RawWebSocket implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;

  public RawWebSocket(int port) throws IOException {
    socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress("localhost", port), 5000);
    socket.setSoTimeout(30_000);
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
    out.write(("GET /api/v1/live HTTP/1.1\r\nHost: localhost:" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String head = readHead(in);
    if (!head.startsWith("HTTP/1.1 101")) throw new IOException("no upgrade: " + head);
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    while (!sb.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) throw new IOException("closed during handshake");
      sb.append((char) b);
    }
    return sb.toString();
  }

  /** One masked text frame, as a client must send. */
  public void sendText(String text) throws IOException {
    sendFrame(0x1, true, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * One masked frame of any opcode (0x0 continuation, 0x1 text, 0x2 binary), final or not: for
   * fragmented messages and payloads that are not UTF-8.
   */
  public void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    out.write((fin ? 0x80 : 0) | opcode);
    if (payload.length < 126) {
      out.write(0x80 | payload.length);
    } else {
      out.write(0x80 | 126);
      out.write(payload.length >>> 8);
      out.write(payload.length & 0xff);
    }
    out.write(mask);
    for (int i = 0; i < payload.length; i++) out.write(payload[i] ^ mask[i % 4]);
    out.flush();
  }

  /** {@link #readUntilClose}, or -1 when the connection fails instead (reset after the server closed it). */
  public int readUntilCloseQuietly() {
    try {
      return readUntilClose();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Reads frames until a close frame and returns its status code (or -1 at end of stream). */
  public int readUntilClose() throws IOException {
    while (true) {
      int b0 = in.read();
      if (b0 < 0) return -1;
      int b1 = in.readUnsignedByte();
      long len = b1 & 0x7f;
      if (len == 126) len = in.readUnsignedShort();
      else if (len == 127) len = in.readLong();
      byte[] payload = new byte[(int) len];
      in.readFully(payload);
      if ((b0 & 0x0f) == 0x8) return len >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
