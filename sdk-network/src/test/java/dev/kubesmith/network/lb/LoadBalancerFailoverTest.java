package dev.kubesmith.network.lb;

import static dev.kubesmith.network.lb.HaproxyCheckScriptTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.network.testing.Clusters;
import dev.kubesmith.network.testing.HostFacts;
import dev.kubesmith.network.testing.HostTool;
import dev.kubesmith.network.testing.NetworkNamespace;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered haproxy.cfg, keepalived.conf and check script of both load balancers, run by the
 * real haproxy and keepalived in two network namespaces wired like the pair's private and public
 * networks: the VIPs follow a healthy haproxy.
 */
class LoadBalancerFailoverTest {
  private static final Duration MOVE = Duration.ofSeconds(12);
  private final ClusterSpec spec = Clusters.ha();
  private final LoadBalancerSettings settings = LoadBalancerSettings.defaults();

  @TempDir
  Path dir;

  @BeforeAll
  static void root() {
    HostTool.requireRoot();
  }

  @Test
  void bothVipsLeaveALoadBalancerWhoseHaproxyStopsAndComeBackWhenItServesAgain() throws IOException {
    Host lb1 = spec.requireHost("lb1");
    Host lb2 = spec.requireHost("lb2");
    try (NetworkNamespace ns1 = NetworkNamespace.create(); NetworkNamespace ns2 = NetworkNamespace.create()) {
      ns1.link("ens3", "198.18.4.21/24", ns2, "ens3", "198.18.4.22/24");
      ns1.link("ens4", "198.18.100.21/24", ns2, "ens4", "198.18.100.22/24");
      Process haproxy1 = startHaproxy(ns1, lb1);
      startHaproxy(ns2, lb2);
      startKeepalived(ns1, lb1);
      startKeepalived(ns2, lb2);

      assertThat(eventually(() -> holdsBothVips(ns1) && holdsNoVip(ns2), MOVE))
          .as("lb1, the highest priority, takes both VIPs; lb1: %s lb2: %s", ns1.addresses(), ns2.addresses()).isTrue();

      NetworkNamespace.stop(haproxy1);
      assertThat(eventually(() -> holdsBothVips(ns2) && holdsNoVip(ns1), MOVE))
          .as("both VIPs move to lb2 when lb1's haproxy stops; lb1: %s lb2: %s", ns1.addresses(), ns2.addresses()).isTrue();

      startHaproxy(ns1, lb1);
      assertThat(eventually(() -> holdsBothVips(ns1) && holdsNoVip(ns2), MOVE))
          .as("lb1 takes both VIPs back (no nopreempt); lb1: %s lb2: %s", ns1.addresses(), ns2.addresses()).isTrue();
    }
  }

  @Test
  void aHolderWhoseKeepalivedAndHaproxyAreAllKilledLosesBothVipsAndThePeerTakesThem() throws IOException {
    Host lb1 = spec.requireHost("lb1");
    Host lb2 = spec.requireHost("lb2");
    try (NetworkNamespace ns1 = NetworkNamespace.create(); NetworkNamespace ns2 = NetworkNamespace.create()) {
      ns1.link("ens3", "198.18.4.21/24", ns2, "ens3", "198.18.4.22/24");
      ns1.link("ens4", "198.18.100.21/24", ns2, "ens4", "198.18.100.22/24");
      startHaproxy(ns1, lb1);
      startHaproxy(ns2, lb2);
      startKeepalived(ns1, lb1);
      startKeepalived(ns2, lb2);
      assertThat(eventually(() -> holdsBothVips(ns1) && holdsNoVip(ns2), MOVE)).as("lb1 holds both VIPs").isTrue();

      // every process at once, as an OOM kill or a crash would: no daemon gets to remove an address
      assertThat(eventually(() -> leased(ns1, Clusters.VIP) && leased(ns1, Clusters.PUBLIC_VIP), MOVE))
          .as("the holder's VIPs are leased, not added for good: %s", ns1.run("ip", "-o", "addr").output()).isTrue();
      killAll(ns1, "keepalived", "haproxy");

      assertThat(eventually(() -> holdsBothVips(ns2) && holdsNoVip(ns1), MOVE))
          .as("the dead holder's VIPs expire and lb2 takes them; lb1: %s lb2: %s", ns1.addresses(), ns2.addresses())
          .isTrue();
    }
  }

  /** Whether the namespace holds the address with a lifetime, not for good. */
  private static boolean leased(NetworkNamespace ns, String vip) {
    String line = ns.run("ip", "-o", "addr", "show", "to", vip + "/32").output();
    return line.contains("valid_lft") && !line.contains("forever");
  }

  /** SIGSTOP then SIGKILL every process of these names in the namespace, so none can clean up. */
  static void killAll(NetworkNamespace ns, String... names) {
    java.util.Set<String> wanted = java.util.Set.of(names);
    List<String> pids = new java.util.ArrayList<>();
    for (String pid : HostTool.run("ip", "netns", "pids", ns.name()).output().split("\\s+")) {
      try {
        if (!pid.isBlank() && wanted.contains(Files.readString(Path.of("/proc", pid, "comm")).strip())) {
          pids.add(pid);
        }
      } catch (IOException gone) {
        // ended meanwhile
      }
    }
    assertThat(pids).as("processes to kill").isNotEmpty();
    for (String signal : List.of("-STOP", "-KILL")) {
      List<String> cmd = new java.util.ArrayList<>(List.of("kill", signal));
      cmd.addAll(pids);
      assertThat(HostTool.run(cmd.toArray(String[]::new)).ok()).isTrue();
    }
  }

  private Process startHaproxy(NetworkNamespace ns, Host lb) throws IOException {
    Path cfg = Files.writeString(dir.resolve(lb.name() + "-haproxy.cfg"), HaproxyConfig.render(spec, lb, settings));
    return ns.start(dir.resolve(lb.name() + "-haproxy-" + System.nanoTime() + ".log"),
        "/usr/sbin/haproxy", "-db", "-f", cfg.toString());
  }

  /** keepalived in the foreground, with the check script at its real path and /run of its own (pid files). */
  private void startKeepalived(NetworkNamespace ns, Host lb) throws IOException {
    Path conf = Files.writeString(dir.resolve(lb.name() + "-keepalived.conf"), HostFacts.fill(KeepalivedConfig.render(spec, lb, settings)));
    Path script = Files.writeString(dir.resolve(lb.name() + "-check.sh"), HostFacts.fill(HaproxyCheckScript.render(spec, lb, settings)));
    ns.start(dir.resolve(lb.name() + "-keepalived.log"), "unshare", "--mount", "--propagation", "private", "sh", "-c",
        "mount -t tmpfs -o mode=0755 tmpfs /etc/keepalived && install -m 0755 \"$1\" " + HaproxyCheckScript.PATH
            + " && mount -t tmpfs tmpfs /run && exec keepalived -n -l -D -f \"$2\"",
        "keepalived", script.toString(), conf.toString());
  }

  private static boolean holdsBothVips(NetworkNamespace ns) {
    String a = ns.addresses();
    return a.contains(Clusters.VIP + "/24") && a.contains(Clusters.PUBLIC_VIP + "/32");
  }

  private static boolean holdsNoVip(NetworkNamespace ns) {
    String a = ns.addresses();
    return !a.contains(Clusters.VIP + "/") && !a.contains(Clusters.PUBLIC_VIP + "/");
  }
}
