package dev.kubesmith.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;

/** A local port forwarded through the bastion; closing it stops the forward. */
public final class LocalForward implements AutoCloseable {
  /** What closing does. */
  @FunctionalInterface
  interface Closer {
    void close() throws IOException;
  }

  private final int localPort;
  private final Closer closer;

  LocalForward(int localPort, Closer closer) {
    this.localPort = localPort;
    this.closer = closer;
  }

  /** The port on 127.0.0.1. */
  public int localPort() {
    return localPort;
  }

  @Override
  public void close() {
    try {
      closer.close();
    } catch (IOException e) {
      throw new UncheckedIOException("closing the forward on port " + localPort + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "LocalForward{127.0.0.1:" + localPort + "}";
  }
}
