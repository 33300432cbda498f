package io.cxpulse.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 in front of the test server, to break the browser's connection the
 * way a network does: {@link #blackhole()} keeps the sockets open but lets nothing through (a
 * half-open connection: only the client's ping/pong watchdog can notice), {@link #restore()}
 * ends the blackhole and drops the dead connections so that the client reconnects.
 */
final class FlakyProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean blackhole;
  private volatile boolean closed;

  FlakyProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread accept = new Thread(this::acceptLoop, "flaky-proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return server.getLocalPort();
  }

  void blackhole() {
    blackhole = true;
  }

  void restore() {
    blackhole = false;
    for (Socket s : sockets) closeQuietly(s);
    sockets.clear();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        if (closed) return;
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (blackhole) continue; // swallowed: neither side hears the other, and neither is told
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException ignored) {
        // one side went away
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "flaky-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly2();
    for (Socket s : sockets) closeQuietly(s);
  }

  private void closeQuietly2() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
