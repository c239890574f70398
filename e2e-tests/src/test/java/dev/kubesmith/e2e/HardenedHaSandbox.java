package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.ExecResult;
import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.Sandbox;
import dev.kubesmith.testkit.SandboxHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The HA sandbox built by the SDK as a Debian 12 or Ubuntu host is wired: every host's NICs are
 * renamed to {@value #PRIVATE_NIC} (private) and {@value #PUBLIC_NIC} (public) before the build, so
 * the firewall and keepalived work only if they follow each host's facts. One more host,
 * {@value #STRANGER} (198.18.4.77, 198.18.100.77), sits on both networks but is in no inventory: it
 * probes the cluster from outside, as another tenant of the provider would.
 */
final class HardenedHaSandbox implements AutoCloseable {
  static final String VIP = HaSandbox.VIP;
  static final String PUBLIC_VIP = HaSandbox.PUBLIC_VIP;
  static final String STRANGER = "stranger";
  static final String PRIVATE_NIC = "ens3";
  static final String PUBLIC_NIC = "ens4";

  /** What a TCP connection attempt found: a listener, a refusal (the port is reachable), or silence. */
  enum Reach { OPEN, REFUSED, DROPPED }

  final MockApi api;
  final Sandbox sandbox;

  private HardenedHaSandbox(MockApi api, Sandbox sandbox) {
    this.api = api;
    this.sandbox = sandbox;
  }

  /** Starts the sandbox, renames the NICs and builds the HA cluster on every host but the stranger. */
  static HardenedHaSandbox build() throws Exception {
    MockApi api = MockApi.start();
    Sandbox sandbox = null;
    try {
      sandbox = HaSandbox.builder(api).host(STRANGER, "198.18.4.77", "198.18.100.77", Role.WORKER).build().start();
      for (SandboxHost h : sandbox.hosts()) {
        rename(h, "eth0", PRIVATE_NIC);
        if (h.publicIp().isPresent()) {
          rename(h, "eth1", PUBLIC_NIC);
        }
      }
      List<Host> hosts = sandbox.inventory().hosts().stream().filter(h -> !h.name().equals(STRANGER)).toList();
      Path state = Files.createTempDirectory("ks-e2e-hardened");
      Cluster.ha().name("hardened").inventory(Inventory.of(hosts)).vip(VIP).publicVip(PUBLIC_VIP).ssh(sandbox.ssh())
          .build().apply(ApplyOptions.defaults().stateDirectory(state));
      return new HardenedHaSandbox(api, sandbox);
    } catch (Exception | AssertionError e) {
      if (sandbox != null) {
        sandbox.close();
      }
      api.close();
      throw e;
    }
  }

  private static void rename(SandboxHost h, String from, String to) {
    h.exec("sh", "-c", "ip link set " + from + " down && ip link set " + from + " name " + to + " && ip link set " + to + " up")
        .requireSuccess();
  }

  SandboxHost host(String name) {
    return sandbox.host(name);
  }

  SandboxHost stranger() {
    return sandbox.host(STRANGER);
  }

  /** A TCP connection from {@code from} to ip:port, given one second. */
  static Reach tcp(SandboxHost from, String ip, int port) {
    ExecResult r = from.exec("timeout", "1", "bash", "-c", "exec 3<>/dev/tcp/" + ip + "/" + port);
    return r.exitCode() == 0 ? Reach.OPEN : r.exitCode() == 124 ? Reach.DROPPED : Reach.REFUSED;
  }

  /** Whether an ICMP (ICMPv6 for fe80::...%dev) echo from {@code from} to the target is answered within a second. */
  static boolean echoAnswered(SandboxHost from, String target) {
    try (java.io.InputStream in = HardenedHaSandbox.class.getResourceAsStream("/icmp-echo.py")) {
      from.writeFile("/run/icmp-echo.py", new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return from.exec("/usr/bin/python3", "/run/icmp-echo.py", target).exitCode() == 0;
  }

  /** Starts a UDP listener on {@code host}'s port that appends what it receives to a file in its /run; returns the file. */
  static String listenUdp(SandboxHost host, int port) {
    String file = "/run/udp-" + port + ".log";
    host.exec("sh", "-c", "rm -f " + file + "; setsid -f timeout 30 socat -u UDP-RECV:" + port + " OPEN:" + file
        + ",creat,append </dev/null >/dev/null 2>&1").requireSuccess();
    HaSandbox.within(Duration.ofSeconds(5), () -> host.exec("sh", "-c", "ss -lun | grep -q ':" + port + " '").succeeded());
    return file;
  }

  /** Sends one datagram from {@code from}, optionally from a given source address. */
  static void sendUdp(SandboxHost from, String source, String ip, int port, String payload) {
    from.exec("sh", "-c", "printf '%s\\n' '" + payload + "' | socat -u - UDP-SENDTO:" + ip + ":" + port
        + (source == null ? "" : ",bind=" + source)).requireSuccess();
  }

  /** SIGSTOP, then SIGKILL every process of these names in the host's network namespace: none can clean up. */
  static int killAll(SandboxHost host, Set<String> names) throws Exception {
    Process p = new ProcessBuilder("ip", "netns", "pids", host.namespace()).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    List<String> pids = new ArrayList<>();
    for (String pid : out.split("\\s+")) {
      try {
        if (!pid.isBlank() && names.contains(Files.readString(Path.of("/proc", pid, "comm")).strip())) {
          pids.add(pid);
        }
      } catch (java.io.IOException gone) {
        // ended meanwhile
      }
    }
    assertThat(pids).as("processes " + names + " on " + host.name()).isNotEmpty();
    for (String signal : List.of("-STOP", "-KILL")) {
      List<String> cmd = new ArrayList<>(List.of("kill", signal));
      cmd.addAll(pids);
      assertThat(new ProcessBuilder(cmd).start().waitFor()).isZero();
    }
    return pids.size();
  }

  static boolean holds(SandboxHost lb, String vip) {
    return lb.exec("ip", "-o", "addr", "show").stdout().contains(" " + vip + "/");
  }

  @Override
  public void close() {
    sandbox.close();
    api.close();
  }
}
