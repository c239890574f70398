package dev.kubesmith.testkit.internal;

import java.util.List;

/**
 * A network namespace joined to this machine's by one veth pair, a /30 of the sandbox range
 * (198.18.0.0/15) on it and no other route: what a lone {@link DebianMachine} boots into. Closing it
 * deletes the namespace and the pair.
 */
public final class PointToPoint implements AutoCloseable {
  private final String netns;
  private final String outside;

  private PointToPoint(String netns, String outside) {
    this.netns = netns;
    this.outside = outside;
  }

  /** {@code netns} (a new name), with eth0 at {@code insideIp}/30; this machine's end {@code outside} at {@code outsideIp}/30. */
  public static PointToPoint create(String netns, String outside, String outsideIp, String insideIp) {
    if (!outsideIp.startsWith("198.18.") && !outsideIp.startsWith("198.19.")) {
      throw new IllegalArgumentException("sandbox links use 198.18.0.0/15 only: " + outsideIp);
    }
    PointToPoint p = new PointToPoint(netns, outside);
    try {
      Proc.check("ip", "netns", "add", netns);
      Proc.check("ip", "link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", netns);
      Proc.check("ip", "addr", "add", outsideIp + "/30", "dev", outside);
      Proc.check("ip", "link", "set", outside, "up");
      Proc.check("ip", "netns", "exec", netns, "ip", "addr", "add", insideIp + "/30", "dev", "eth0");
      Proc.check("ip", "netns", "exec", netns, "ip", "link", "set", "eth0", "up");
      Proc.check("ip", "netns", "exec", netns, "ip", "link", "set", "lo", "up");
      return p;
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
  }

  public String netns() {
    return netns;
  }

  /** Deleting the namespace deletes its veth end, and with it the pair. */
  @Override
  public void close() {
    Proc.run(List.of("ip", "netns", "delete", netns));
    Proc.run(List.of("ip", "link", "delete", outside));
  }
}
