package dev.kubesmith.network.lb;

import static dev.kubesmith.network.lb.HaproxyCheckScriptTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.network.testing.Clusters;
import dev.kubesmith.network.testing.HostTool;
import dev.kubesmith.network.testing.NetworkNamespace;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
      ns1.link("eth0", "198.18.4.21/24", ns2, "eth0", "198.18.4.22/24");
      ns1.link("eth1", "198.18.100.21/24", ns2, "eth1", "198.18.100.22/24");
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

  private Process startHaproxy(NetworkNamespace ns, Host lb) throws IOException {
    Path cfg = Files.writeString(dir.resolve(lb.name() + "-haproxy.cfg"), HaproxyConfig.render(spec, lb, settings));
    return ns.start(dir.resolve(lb.name() + "-haproxy-" + System.nanoTime() + ".log"),
        "/usr/sbin/haproxy", "-db", "-f", cfg.toString());
  }

  /** keepalived in the foreground, with the check script at its real path and /run of its own (pid files). */
  private void startKeepalived(NetworkNamespace ns, Host lb) throws IOException {
    Path conf = Files.writeString(dir.resolve(lb.name() + "-keepalived.conf"), KeepalivedConfig.render(spec, lb, settings));
    Path script = Files.writeString(dir.resolve(lb.name() + "-check.sh"), HaproxyCheckScript.render(lb, settings));
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
