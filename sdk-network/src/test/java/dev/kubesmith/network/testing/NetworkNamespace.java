package dev.kubesmith.network.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway network namespace {@code ksnet-<random>} for running haproxy, keepalived and iptables
 * without touching the machine's own interfaces or tables. Its links are veth pairs created
 * directly inside namespaces (no end in the root namespace), addresses are only in 198.18.0.0/15,
 * and {@link #close()} stops what it started and deletes the namespace, which removes its links.
 *
 * <pre>{@code
 * try (NetworkNamespace ns = NetworkNamespace.create()) {
 *   ns.vethPair("eth0", "198.18.4.21/24", "eth1", "198.18.100.21/24");
 *   ns.run("iptables-restore", "--test", file.toString());
 * }
 * }</pre>
 */
public final class NetworkNamespace implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final String name;
  private final List<Process> started = new ArrayList<>();

  private NetworkNamespace(String name) {
    this.name = name;
  }

  /** Creates the namespace with its loopback up; the caller must be root (see {@link HostTool#requireRoot()}). */
  public static NetworkNamespace create() {
    byte[] b = new byte[4];
    RANDOM.nextBytes(b);
    NetworkNamespace ns = new NetworkNamespace("ksnet-" + HexFormat.of().formatHex(b));
    ok(HostTool.run("ip", "netns", "add", ns.name));
    try {
      ok(HostTool.run("ip", "-n", ns.name, "link", "set", "lo", "up"));
    } catch (RuntimeException | AssertionError e) {
      ns.close();
      throw e;
    }
    return ns;
  }

  public String name() {
    return name;
  }

  /** Two interfaces in this namespace that are each other's veth peer, with addresses, up. */
  public NetworkNamespace vethPair(String a, String addressA, String b, String addressB) {
    ok(HostTool.run("ip", "link", "add", "name", a, "netns", name, "type", "veth", "peer", "name", b, "netns", name));
    up(this, a, addressA);
    up(this, b, addressB);
    return this;
  }

  /** An interface here whose veth peer is in {@code other}, both with addresses, up. */
  public NetworkNamespace link(String iface, String address, NetworkNamespace other, String otherIface, String otherAddress) {
    ok(HostTool.run("ip", "link", "add", "name", iface, "netns", name, "type", "veth",
        "peer", "name", otherIface, "netns", other.name));
    up(this, iface, address);
    up(other, otherIface, otherAddress);
    return this;
  }

  private static void up(NetworkNamespace ns, String iface, String address) {
    assertThat(address).as("test addresses stay in the benchmarking range").startsWith("198.1");
    ok(HostTool.run("ip", "-n", ns.name, "addr", "add", address, "dev", iface));
    ok(HostTool.run("ip", "-n", ns.name, "link", "set", iface, "up"));
  }

  /** Runs a command inside the namespace and waits for it. */
  public HostTool.Result run(String... command) {
    return HostTool.run(inside(command), null);
  }

  /** Runs a command inside the namespace with the given standard input. */
  public HostTool.Result runWithInput(String stdin, String... command) {
    return HostTool.run(inside(command), stdin);
  }

  /** Starts a long-running command inside the namespace; {@link #close()} stops it. */
  public Process start(Path log, String... command) {
    try {
      Process p = new ProcessBuilder(inside(command)).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      started.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + List.of(command), e);
    }
  }

  /** The addresses on the namespace's interfaces, as {@code ip -br addr} shows them. */
  public String addresses() {
    return ok(HostTool.run("ip", "-n", name, "-br", "-4", "addr")).output();
  }

  private List<String> inside(String... command) {
    return Stream.concat(Stream.of("ip", "netns", "exec", name), Stream.of(command)).toList();
  }

  /** Stops started processes (TERM, then KILL), then deletes the namespace and with it its links. */
  @Override
  public void close() {
    for (Process p : started) {
      stop(p);
    }
    HostTool.run("ip", "netns", "del", name);
  }

  /** Stops one started process: TERM, and KILL when it has not exited within 5 s. */
  public static void stop(Process p) {
    p.destroy();
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static HostTool.Result ok(HostTool.Result r) {
    assertThat(r.ok()).as(r.describe()).isTrue();
    return r;
  }
}
