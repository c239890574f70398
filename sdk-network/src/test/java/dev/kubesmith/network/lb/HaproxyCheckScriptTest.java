package dev.kubesmith.network.lb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.network.testing.Clusters;
import dev.kubesmith.network.testing.Golden;
import dev.kubesmith.network.testing.HostFacts;
import dev.kubesmith.network.testing.HostTool;
import dev.kubesmith.network.testing.NetworkNamespace;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaproxyCheckScriptTest {
  private final ClusterSpec spec = Clusters.ha();
  private final Host lb1 = spec.requireHost("lb1");

  @TempDir
  Path dir;

  @BeforeAll
  static void root() {
    HostTool.requireRoot();
  }

  @Test
  void rendersTheReviewedScript() {
    Golden.assertMatches("check_haproxy-lb1.sh", HaproxyCheckScript.render(spec, lb1, LoadBalancerSettings.defaults()));
  }

  @Test
  void asksHaproxyOnThisHostsPrivateIpAndStatsPortWithoutCurlOrAProcessCheck() {
    String script = HaproxyCheckScript.render(spec, lb1, LoadBalancerSettings.of(Map.of("statsPort", "9000")));

    assertThat(script).startsWith("#!/bin/bash\n").contains("/dev/tcp/198.18.4.21/9000 ",
        "timeout 1", "GET /healthz").doesNotContain("curl", "pgrep", "pidof", "killall");
  }

  @Test
  void passesShellcheck() {
    HostTool.Result check = HostTool.shellcheck(HostFacts.fill(HaproxyCheckScript.render(spec, lb1, LoadBalancerSettings.defaults())), dir);

    assertThat(check.ok()).as(check.describe()).isTrue();
  }

  @Test
  void succeedsOnlyWhileThisHostsHaproxyServesItsMonitorUri() throws IOException {
    Path script = Files.writeString(dir.resolve("check.sh"), HostFacts.fill(HaproxyCheckScript.render(spec, lb1, LoadBalancerSettings.defaults())));
    Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), HaproxyConfig.render(spec, lb1, LoadBalancerSettings.defaults()));
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      ns.vethPair("ens3", "198.18.4.21/24", "ens4", "198.18.100.21/24");
      assertThat(ns.run("bash", script.toString()).ok()).as("check with no haproxy running").isFalse();

      Process haproxy = ns.start(dir.resolve("haproxy.log"), "/usr/sbin/haproxy", "-db", "-f", cfg.toString());
      assertThat(eventually(() -> ns.run("bash", script.toString()).ok(), Duration.ofSeconds(10)))
          .as("check while haproxy serves (haproxy log: %s)", dir.resolve("haproxy.log")).isTrue();

      NetworkNamespace.stop(haproxy);
      assertThat(ns.run("bash", script.toString()).ok()).as("check after haproxy stopped").isFalse();
    }
  }

  @Test
  void renewsTheLeaseOfTheVipsThisHostHoldsAndNeverAddsOne() throws IOException {
    Path script = Files.writeString(dir.resolve("check.sh"), HostFacts.fill(HaproxyCheckScript.render(spec, lb1, LoadBalancerSettings.defaults())));
    Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), HaproxyConfig.render(spec, lb1, LoadBalancerSettings.defaults()));
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      ns.vethPair("ens3", "198.18.4.21/24", "ens4", "198.18.100.21/24");
      // as keepalived adds it: for good
      assertThat(ns.run("ip", "addr", "add", Clusters.VIP + "/24", "dev", "ens3").ok()).isTrue();
      ns.start(dir.resolve("haproxy.log"), "/usr/sbin/haproxy", "-db", "-f", cfg.toString());
      assertThat(eventually(() -> ns.run("bash", script.toString()).ok(), Duration.ofSeconds(10))).isTrue();

      String vip = ns.run("ip", "-o", "addr", "show", "dev", "ens3", "to", Clusters.VIP + "/32").output();
      assertThat(vip).as("the held VIP now expires unless renewed").containsPattern("valid_lft [1-" + HaproxyCheckScript.LEASE_SECONDS + "]sec")
          .doesNotContain("forever");
      assertThat(ns.addresses()).as("the public VIP, not held here, was not added").doesNotContain(Clusters.PUBLIC_VIP);
    }
  }

  /**
   * The race seen under load: keepalived removed the VIP on going BACKUP while a check was renewing
   * it, and the renewal added it back for good. Now the notify call records BACKUP and a VIP found
   * on a BACKUP instance is removed, by the notify call itself and by every later check.
   */
  @Test
  void removesAVipHeldByAnInstanceThatIsNotMasterAndRenewsOnlyWhileMaster() throws IOException {
    // the state goes to the test's directory, not to this machine's /run
    Path state = dir.resolve("state");
    Path script = Files.writeString(dir.resolve("check.sh"), HostFacts.fill(HaproxyCheckScript.render(spec, lb1,
        LoadBalancerSettings.defaults())).replace("STATE=" + HaproxyCheckScript.STATE_DIR, "STATE=" + state));
    Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), HaproxyConfig.render(spec, lb1, LoadBalancerSettings.defaults()));
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      ns.vethPair("ens3", "198.18.4.21/24", "ens4", "198.18.100.21/24");
      ns.start(dir.resolve("haproxy.log"), "/usr/sbin/haproxy", "-db", "-f", cfg.toString());
      assertThat(eventually(() -> ns.run("bash", script.toString()).ok(), Duration.ofSeconds(10))).isTrue();
      // keepalived's notify: $1 INSTANCE, $2 the instance, $3 the new state, $4 the priority
      assertThat(ns.run("bash", script.toString(), "INSTANCE", KeepalivedConfig.PRIVATE_INSTANCE, "MASTER", "150").ok()).isTrue();
      assertThat(ns.run("ip", "addr", "add", Clusters.VIP + "/24", "dev", "ens3").ok()).isTrue();
      assertThat(ns.run("bash", script.toString()).ok()).isTrue();
      assertThat(ns.addresses()).as("renewed while MASTER").contains(Clusters.VIP);

      assertThat(ns.run("bash", script.toString(), "INSTANCE", KeepalivedConfig.PRIVATE_INSTANCE, "BACKUP", "150").ok()).isTrue();
      assertThat(ns.addresses()).as("the notify of BACKUP removed the VIP").doesNotContain(Clusters.VIP);
      assertThat(ns.run("ip", "addr", "add", Clusters.VIP + "/24", "dev", "ens3", "valid_lft", "5", "preferred_lft", "5").ok())
          .as("as the racing renewal adds it back").isTrue();
      assertThat(ns.run("bash", script.toString()).ok()).isTrue();
      assertThat(ns.addresses()).as("the next check removed it").doesNotContain(Clusters.VIP);
      assertThat(state.resolve(KeepalivedConfig.PRIVATE_INSTANCE)).hasContent("BACKUP");
    }
  }

  @Test
  void failsWhenTheMonitorUriAnswersAnythingButOk() throws IOException {
    // an HTTP server on the stats address that answers 503, as haproxy's monitor-uri does under "monitor fail"
    Path cfg = Files.writeString(dir.resolve("failing.cfg"), """
        defaults
            mode http
            timeout connect 1s
            timeout client 5s
            timeout server 5s
        frontend stats
            bind 198.18.4.21:8404
            monitor-uri /healthz
            monitor fail if TRUE
        """);
    Path script = Files.writeString(dir.resolve("check.sh"), HostFacts.fill(HaproxyCheckScript.render(spec, lb1, LoadBalancerSettings.defaults())));
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      ns.vethPair("ens3", "198.18.4.21/24", "ens4", "198.18.100.21/24");
      ns.start(dir.resolve("failing.log"), "/usr/sbin/haproxy", "-db", "-f", cfg.toString());
      assertThat(eventually(() -> ns.run("bash", "-c", "exec 3<>/dev/tcp/198.18.4.21/8404").ok(), Duration.ofSeconds(10)))
          .as("the failing haproxy listens").isTrue();

      HostTool.Result check = ns.run("bash", script.toString());

      assertThat(check.ok()).as(check.describe()).isFalse();
    }
  }

  /** Polls the condition every 100 ms until it holds or the timeout passes. */
  static boolean eventually(java.util.function.BooleanSupplier condition, Duration timeout) {
    Instant end = Instant.now().plus(timeout);
    while (Instant.now().isBefore(end)) {
      if (condition.getAsBoolean()) {
        return true;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return condition.getAsBoolean();
  }
}
