package dev.kubesmith.network.lb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.network.testing.Clusters;
import dev.kubesmith.network.testing.Golden;
import dev.kubesmith.network.testing.HostTool;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ComponentSpec;
import dev.kubesmith.spec.Host;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaproxyConfigTest {
  private final ClusterSpec spec = Clusters.ha();
  private final Host lb1 = spec.requireHost("lb1");

  @TempDir
  Path dir;

  @Test
  void rendersTheReviewedConfigurationForTheFirstLoadBalancer() {
    Golden.assertMatches("haproxy-lb1.cfg", HaproxyConfig.render(spec, lb1, LoadBalancerSettings.defaults()));
  }

  @Test
  void balancesTheApiServerOverEveryMasterWithTlsHealthChecks() {
    String cfg = HaproxyConfig.render(spec, lb1, LoadBalancerSettings.defaults());

    String backend = section(cfg, "backend kube-apiserver");
    assertThat(backend).contains("option httpchk", "http-check send meth GET uri /healthz", "http-check expect status 200");
    assertThat(backend.lines().filter(l -> l.trim().startsWith("server ")).toList()).containsExactly(
        "    server master1 198.18.4.31:6443 check check-ssl verify none",
        "    server master2 198.18.4.32:6443 check check-ssl verify none",
        "    server master3 198.18.4.33:6443 check check-ssl verify none");
    assertThat(section(cfg, "frontend kube-apiserver")).contains("bind *:6443");
  }

  @Test
  void forwardsHttpAndHttpsToTheMastersByDefault() {
    String cfg = HaproxyConfig.render(spec, lb1, LoadBalancerSettings.defaults());

    assertThat(section(cfg, "frontend ingress-http")).contains("bind *:80");
    assertThat(section(cfg, "frontend ingress-https")).contains("bind *:443");
    assertThat(servers(section(cfg, "backend ingress-http")))
        .containsExactly("master1 198.18.4.31:80 check", "master2 198.18.4.32:80 check", "master3 198.18.4.33:80 check");
    assertThat(servers(section(cfg, "backend ingress-https")))
        .containsExactly("master1 198.18.4.31:443 check", "master2 198.18.4.32:443 check", "master3 198.18.4.33:443 check");
  }

  @Test
  void forwardsHttpAndHttpsToTheConfiguredIngressNodes() {
    LoadBalancerSettings s = LoadBalancerSettings.of(Map.of("ingressNodes", "worker1, worker3"));

    String cfg = HaproxyConfig.render(spec, lb1, s);

    assertThat(servers(section(cfg, "backend ingress-http")))
        .containsExactly("worker1 198.18.4.41:80 check", "worker3 198.18.4.43:80 check");
    assertThat(servers(section(cfg, "backend ingress-https")))
        .containsExactly("worker1 198.18.4.41:443 check", "worker3 198.18.4.43:443 check");
  }

  @Test
  void forwardsHttpAndHttpsToWhereTheIngressAddonRunsAndFollowsItWhenItMoves() {
    ClusterSpec onMasters = ClusterSpec.builder().from(spec).addComponents(ComponentSpec.of("traefik")).build();
    ClusterSpec onWorkers = ClusterSpec.builder().from(spec)
        .addComponents(ComponentSpec.of("traefik", Map.of(ComponentSpec.INGRESS_NODES, "worker2,worker3"))).build();

    String before = HaproxyConfig.render(onMasters, lb1, LoadBalancerSettings.defaults());
    String after = HaproxyConfig.render(onWorkers, lb1, LoadBalancerSettings.defaults());

    assertThat(servers(section(before, "backend ingress-https")))
        .containsExactly("master1 198.18.4.31:443 check", "master2 198.18.4.32:443 check", "master3 198.18.4.33:443 check");
    assertThat(servers(section(after, "backend ingress-http")))
        .containsExactly("worker2 198.18.4.42:80 check", "worker3 198.18.4.43:80 check");
    assertThat(servers(section(after, "backend ingress-https")))
        .containsExactly("worker2 198.18.4.42:443 check", "worker3 198.18.4.43:443 check");
    assertThat(section(after, "backend kube-apiserver")).isEqualTo(section(before, "backend kube-apiserver"));
  }

  @Test
  void bindsStatsAndMonitorUriOnlyToThisLoadBalancersPrivateIp() {
    String lb2 = HaproxyConfig.render(spec, spec.requireHost("lb2"), LoadBalancerSettings.of(Map.of("statsPort", "9000")));

    String stats = section(lb2, "frontend stats");
    assertThat(stats).contains("    bind 198.18.4.22:9000\n", "stats enable", "monitor-uri /healthz", "mode http");
    assertThat(lb2.lines().filter(l -> l.trim().startsWith("bind ")).toList())
        .containsExactly("    bind *:6443", "    bind *:80", "    bind *:443", "    bind 198.18.4.22:9000");
  }

  @Test
  void everyRenderedConfigurationPassesHaproxysOwnCheckWithoutWarnings() throws IOException {
    List<LoadBalancerSettings> variants = List.of(LoadBalancerSettings.defaults(),
        LoadBalancerSettings.of(Map.of("ingressNodes", "worker1,worker2,worker3", "statsPort", "9100")));
    for (ClusterSpec s : List.of(Clusters.ha(), Clusters.haWithoutPublicVip())) {
      for (Host lb : s.loadBalancers()) {
        for (LoadBalancerSettings settings : variants) {
          Path cfg = Files.writeString(dir.resolve(lb.name() + ".cfg"), HaproxyConfig.render(s, lb, settings));

          HostTool.Result check = HostTool.run("/usr/sbin/haproxy", "-c", "-f", cfg.toString());

          assertThat(check.ok()).as(check.describe()).isTrue();
          assertThat(check.output()).as(check.describe()).doesNotContain("WARNING", "ALERT");
        }
      }
    }
  }

  /** The lines of one section: from its header to the next blank line. */
  static String section(String cfg, String header) {
    int start = cfg.indexOf("\n" + header + "\n");
    assertThat(start).as("section '%s' in:\n%s", header, cfg).isNotNegative();
    int end = cfg.indexOf("\n\n", start + 1);
    return cfg.substring(start + 1, end < 0 ? cfg.length() : end + 1);
  }

  private static List<String> servers(String section) {
    return section.lines().map(String::trim).filter(l -> l.startsWith("server "))
        .map(l -> l.substring("server ".length())).toList();
  }
}
