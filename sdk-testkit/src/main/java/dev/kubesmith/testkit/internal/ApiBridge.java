package dev.kubesmith.testkit.internal;

import dev.kubesmith.testkit.SandboxException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The test JVM's end of a master's API server: a UNIX socket in the host's state directory (inside
 * the host {@code /run/kubesmith/api.sock}, where its forwarder connects) whose every connection is
 * piped to a TCP address in the JVM's own network namespace, e.g. a KubernetesMockServer on
 * 127.0.0.1. Network namespaces cannot route to the JVM's namespace; a socket file is reached by
 * path from any of them. Internal: tests use {@code Sandbox.Builder.apiServer(..)}.
 */
public final class ApiBridge implements AutoCloseable {
  /** The socket's file name in the host's state directory. */
  public static final String SOCKET = "api.sock";
  /** sun_path holds 108 bytes, the terminating NUL included. */
  private static final int MAX_SOCKET_PATH = 107;
  private static final Logger LOG = LoggerFactory.getLogger(ApiBridge.class);
  private final String id;
  private final String host;
  private final Path socket;
  private final InetSocketAddress target;
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private ExecutorService pipes;
  private ServerSocketChannel server;
  private volatile boolean closed;

  /** The bridge of host {@code host} of sandbox {@code id}; its socket goes in {@code stateDir}. */
  public ApiBridge(String id, String host, Path stateDir, InetSocketAddress target) {
    this.id = id;
    this.host = host;
    this.socket = stateDir.resolve(SOCKET);
    this.target = target;
  }

  /** The socket file as the test JVM sees it. */
  public Path socket() {
    return socket;
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  /** Binds the socket and starts accepting. */
  public synchronized void open() {
    if (server != null) {
      return;
    }
    if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
      throw new SandboxException("host " + host + ": the API bridge socket path " + socket + " is longer than "
          + MAX_SOCKET_PATH + " bytes, the limit of UNIX sockets; give Sandbox.Builder.directory(..) a shorter path");
    }
    pipes = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "kubesmith-sandbox-" + id + "-api-" + host);
      t.setDaemon(true);
      return t;
    });
    try {
      Files.deleteIfExists(socket);
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socket), 128);
    } catch (IOException e) {
      pipes.shutdownNow();
      throw new SandboxException("host " + host + ": cannot listen on the API bridge socket " + socket + ": "
          + e.getMessage(), e);
    }
    ServerSocketChannel s = server;
    pipes.execute(() -> accept(s));
  }

  private void accept(ServerSocketChannel s) {
    while (!closed) {
      SocketChannel inside;
      try {
        inside = s.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("host {}: the API bridge stopped accepting: {}", host, e.getMessage());
        }
        return;
      }
      connections.incrementAndGet();
      open.add(inside);
      pipes.execute(() -> connect(inside));
    }
  }

  /** Connects to the target and pipes both ways; a refused target closes the host's connection. */
  private void connect(SocketChannel inside) {
    SocketChannel outside;
    try {
      outside = SocketChannel.open(target);
    } catch (IOException e) {
      LOG.debug("host {}: the API server {} refused a connection: {}", host, target, e.getMessage());
      close(inside);
      return;
    }
    open.add(outside);
    AtomicInteger ended = new AtomicInteger();
    try {
      pipes.execute(() -> pipe(outside, inside, ended));
    } catch (RuntimeException e) {
      close(inside);
      close(outside);
      return;
    }
    pipe(inside, outside, ended);
  }

  /** Copies until end of stream, then half-closes; both channels close once both directions ended. */
  private void pipe(SocketChannel from, SocketChannel to, AtomicInteger ended) {
    ByteBuffer buf = ByteBuffer.allocate(32 * 1024);
    try {
      while (from.read(buf) >= 0) {
        buf.flip();
        while (buf.hasRemaining()) {
          to.write(buf);
        }
        buf.clear();
      }
      to.shutdownOutput();
      if (ended.incrementAndGet() < 2) {
        return;
      }
    } catch (IOException e) {
      // a side went away (or the bridge closed): end the connection
    }
    close(from);
    close(to);
  }

  private void close(SocketChannel c) {
    open.remove(c);
    try {
      c.close();
    } catch (IOException e) {
      // closing
    }
  }

  /** Stops accepting, ends every open connection and removes the socket file. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (server != null) {
      try {
        server.close();
      } catch (IOException e) {
        // closing
      }
    }
    open.forEach(this::close);
    if (pipes != null) {
      pipes.shutdownNow();
    }
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      LOG.debug("cannot remove {}: {}", socket, e.getMessage());
    }
  }
}
