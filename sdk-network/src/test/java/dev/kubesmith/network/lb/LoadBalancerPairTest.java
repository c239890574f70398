package dev.kubesmith.network.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.network.internal.HostCommands;
import dev.kubesmith.network.testing.Clusters;
import dev.kubesmith.network.testing.HostFacts;
import dev.kubesmith.network.testing.HostTool;
import dev.kubesmith.network.testing.Plans;
import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ComponentSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.InvalidSpecException;
import dev.kubesmith.spec.NetworkPlan;
import dev.kubesmith.spec.Problem;
import dev.kubesmith.spec.Role;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadBalancerPairTest {
  private final ClusterSpec spec = Clusters.ha();

  @TempDir
  Path dir;

  @Test
  void addsOneLoadBalancerStepPerLbHostAfterItsPreparation() {
    Plan plan = Plans.of(spec, LoadBalancerPair.defaults());

    Step lb2 = plan.requireStep("load-balancer@lb2");
    assertThat(plan.steps().stream().filter(s -> s.phase() == Phase.LOAD_BALANCER).map(Step::id))
        .containsExactly("load-balancer@lb1", "load-balancer@lb2");
    assertThat(lb2.host()).contains("lb2");
    assertThat(lb2.dependsOn()).containsExactlyInAnyOrder("prepare@lb2", "facts@lb2");
    assertThat(plan.requireStep("kubeadm-init@master1").dependsOn()).contains("load-balancer@lb1", "load-balancer@lb2");
  }

  @Test
  void writesTheRenderedFilesWithTheirModes() {
    Step step = Plans.of(spec, LoadBalancerPair.defaults()).requireStep("load-balancer@lb2");
    Host lb2 = spec.requireHost("lb2");
    LoadBalancerSettings s = LoadBalancerSettings.defaults();

    assertThat(step.files()).extracting(FileArtifact::path, FileArtifact::modeOctal).containsExactly(
        tuple("/etc/haproxy/haproxy.cfg", "0644"),
        tuple("/etc/keepalived/keepalived.conf", "0640"),
        tuple("/etc/keepalived/check_haproxy.sh", "0755"),
        tuple("/etc/sysctl.d/99-kubesmith-lb.conf", "0644"));
    assertThat(step.files().get(0).content()).isEqualTo(HaproxyConfig.render(spec, lb2, s));
    assertThat(step.files().get(1).content()).isEqualTo(KeepalivedConfig.render(spec, lb2, s));
    assertThat(step.files().get(2).content()).isEqualTo(HaproxyCheckScript.render(spec, lb2, s));
    assertThat(step.files().get(3).content()).contains("net.ipv4.ip_nonlocal_bind = 1");
  }

  @Test
  void installsValidatesOnTheHostThenEnablesAndReloadsBothServices() {
    Step step = Plans.of(spec, LoadBalancerPair.defaults()).requireStep("load-balancer@lb1");

    assertThat(step.commands().get(0)).contains("apt-get", "dnf", "haproxy keepalived");
    assertThat(String.join("\n", step.commands())).containsSubsequence(
        "sysctl -q -p /etc/sysctl.d/99-kubesmith-lb.conf",
        "haproxy -c -q -f /etc/haproxy/haproxy.cfg",
        "keepalived -t -f /etc/keepalived/keepalived.conf",
        "systemctl enable -q haproxy keepalived",
        "systemctl reload-or-restart haproxy",
        "systemctl reload-or-restart keepalived");
  }

  @Test
  void isDoneOnlyWhenTheInstalledFilesAreTheRenderedOnesAndBothServicesRun() {
    Step step = Plans.of(spec, LoadBalancerPair.defaults()).requireStep("load-balancer@lb1");

    assertThat(step.check()).hasValueSatisfying(check -> {
      step.files().stream().filter(f -> !f.content().contains("{{fact:"))
          .forEach(f -> assertThat(check).contains(HostCommands.sha256(f.content()) + "  " + f.path()));
      step.files().stream().filter(f -> f.content().contains("{{fact:"))
          .forEach(f -> assertThat(check).contains(" | cmp -s - " + f.path()));
      assertThat(check).contains("sha256sum --check --status", "systemctl is-active --quiet haproxy",
          "systemctl is-active --quiet keepalived");
    });
  }

  @Test
  void commandsAndCheckPassShellcheck() {
    Step step = Plans.of(spec, LoadBalancerPair.defaults()).requireStep("load-balancer@lb1");
    String script = "#!/bin/sh\nset -e\n" + String.join("\n", step.commands()) + "\n"
        + HostFacts.fill(step.check().orElseThrow()) + "\n";

    HostTool.Result check = HostTool.shellcheck(script, dir);

    assertThat(check.ok()).as(check.describe()).isTrue();
  }

  @Test
  void isTheDefaultLoadBalancerOfHaClustersOnly() {
    LoadBalancerPairProvider provider = new LoadBalancerPairProvider();

    assertThat(provider.kind()).isEqualTo(ComponentKind.LOAD_BALANCER);
    assertThat(provider.name()).isEqualTo("haproxy-keepalived");
    assertThat(provider.isDefaultFor(Clusters.ha())).isTrue();
    assertThat(provider.isDefaultFor(Clusters.singleMaster())).isFalse();
  }

  @Test
  void roundTripsItsSettingsThroughItsYamlForm() {
    LoadBalancerPair pair = LoadBalancerPair.defaults().withPrivateInterface("ens18").withIngressNodes("worker1", "worker2")
        .withStatsPort(9000).withVirtualRouterId(7);

    ComponentSpec described = pair.describe();

    assertThat(described.settings()).containsEntry("privateInterface", "ens18").containsEntry("ingressNodes", "worker1,worker2")
        .containsEntry("statsPort", "9000").containsEntry("virtualRouterId", "7");
    assertThat(new LoadBalancerPairProvider().create(described)).isEqualTo(pair);
  }

  @Test
  void settersOnlyStoreAndValidateReportsEveryBadValueAtOnce() {
    LoadBalancerPair pair = LoadBalancerPair.defaults().withStatsPort(70000).withVirtualRouterId(0)
        .withPrivateInterface("eth0 eth1");

    assertThat(pair.validate(spec)).extracting(p -> p.field()).containsExactlyInAnyOrder(
        "components[haproxy-keepalived].settings.statsPort", "components[haproxy-keepalived].settings.virtualRouterId",
        "components[haproxy-keepalived].settings.privateInterface");
    assertThatThrownBy(() -> Plans.of(spec, pair)).isInstanceOf(InvalidSpecException.class)
        .satisfies(e -> assertThat(((InvalidSpecException) e).problems()).hasSize(3));
  }

  @Test
  void refusesToPlanAnInvalidSpecWithEveryProblem() {
    LoadBalancerPair pair = LoadBalancerPair.of(ComponentSpec.of("haproxy-keepalived", Map.of("statsPort", "x", "ingressNodes", "nobody")));

    assertThatThrownBy(() -> Plans.of(spec, pair)).isInstanceOf(InvalidSpecException.class)
        .satisfies(e -> assertThat(((InvalidSpecException) e).problems()).hasSize(2));
  }

  // validate(): one test per rule

  @Test
  void acceptsTheSampleHaCluster() {
    assertThat(LoadBalancerPair.defaults().validate(spec)).isEmpty();
  }

  @Test
  void reportsALoadBalancerWhosePrivateIpIsInNoHostNetwork() {
    ClusterSpec s = replaceHost(spec, Host.builder().from(spec.requireHost("lb2")).privateIp("198.19.7.22").build());

    assertThat(LoadBalancerPair.defaults().validate(s)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("hosts[lb2].privateIp");
      assertThat(p.value()).isEqualTo("198.19.7.22");
      assertThat(p.reason()).contains("none of the host networks [198.18.4.0/24]");
      assertThat(p.fix()).contains("hostNetwork(");
    });
  }

  @Test
  void reportsAPrivateVipOutsideTheLoadBalancersNetwork() {
    ClusterSpec s = ClusterSpec.builder().from(spec).network(NetworkPlan.builder().from(spec.network())
        .addHostNetworks("198.18.5.0/24").build()).privateVip("198.18.5.100").build();

    List<Problem> problems = LoadBalancerPair.defaults().validate(s);

    assertThat(problems).hasSize(2).allSatisfy(p -> {
      assertThat(p.field()).isEqualTo("privateVip");
      assertThat(p.reason()).contains("outside 198.18.4.0/24");
      assertThat(p.fix()).contains("198.18.4.0/24");
    });
  }

  @Test
  void reportsAMissingPrivateVip() {
    ClusterSpec s = ClusterSpec.builder().from(spec).privateVip(Optional.empty()).build();

    assertThat(LoadBalancerPair.defaults().validate(s)).singleElement()
        .satisfies(p -> assertThat(p.field()).isEqualTo("privateVip"));
  }

  @Test
  void reportsALoadBalancerWithoutPublicIpWhenThereIsAPublicVip() {
    Host lb1 = spec.requireHost("lb1");
    ClusterSpec s = replaceHost(spec, Host.of(lb1.name(), lb1.privateIp(), Role.LB));

    assertThat(LoadBalancerPair.defaults().validate(s)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("hosts[lb1].publicIp");
      assertThat(p.reason()).contains("198.18.100.100");
      assertThat(p.fix()).contains("public=");
    });
    assertThat(LoadBalancerPair.defaults().validate(ClusterSpec.builder().from(s).publicVip(Optional.empty()).build()))
        .isEmpty();
  }

  @Test
  void reportsIngressNodesThatAreNotHosts() {
    LoadBalancerPair pair = LoadBalancerPair.defaults().withIngressNodes("worker1", "worker9");

    assertThat(pair.validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("components[haproxy-keepalived].settings.ingressNodes");
      assertThat(p.value()).isEqualTo("worker9");
      assertThat(p.reason()).contains("not a host");
      assertThat(p.fix()).contains("worker1");
    });
  }

  @Test
  void reportsIngressNodesThatDisagreeWithTheIngressAddon() {
    ClusterSpec withTraefik = ClusterSpec.builder().from(spec)
        .addComponents(ComponentSpec.of("traefik", Map.of(ComponentSpec.INGRESS_NODES, "worker1,worker2"))).build();

    assertThat(LoadBalancerPair.defaults().withIngressNodes("worker2", "worker1").validate(withTraefik)).isEmpty();
    assertThat(LoadBalancerPair.defaults().validate(withTraefik)).isEmpty();
    assertThat(LoadBalancerPair.defaults().withIngressNodes("worker3").validate(withTraefik)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("components[haproxy-keepalived].settings.ingressNodes");
      assertThat(p.reason()).contains("differs from the hosts the ingress addon runs on (worker1,worker2)");
      assertThat(p.fix()).contains("drop ingressNodes");
    });
  }

  @Test
  void rendersChangedFilesWhenTheIngressAddonMovesSoTheStepReloadsHaproxy() {
    ClusterSpec before = ClusterSpec.builder().from(spec).addComponents(ComponentSpec.of("traefik")).build();
    ClusterSpec after = ClusterSpec.builder().from(spec)
        .addComponents(ComponentSpec.of("traefik", Map.of(ComponentSpec.INGRESS_NODES, "worker1"))).build();

    Step b = Plans.of(before, LoadBalancerPair.defaults()).requireStep("load-balancer@lb1");
    Step a = Plans.of(after, LoadBalancerPair.defaults()).requireStep("load-balancer@lb1");

    assertThat(a.files()).isNotEqualTo(b.files());
    assertThat(a.check()).isNotEqualTo(b.check());
    assertThat(a.commands()).contains("systemctl reload-or-restart haproxy");
  }

  @Test
  void reportsIngressNodesThatRunNoIngress() {
    assertThat(LoadBalancerPair.defaults().withIngressNodes("bastion").validate(spec)).singleElement()
        .satisfies(p -> assertThat(p.reason()).contains("not a master or worker"));
  }

  @Test
  void reportsMalformedPortsRouterIdsInterfacesAndUnknownSettings() {
    LoadBalancerPair pair = LoadBalancerPair.of(ComponentSpec.of("haproxy-keepalived", Map.of(
        "statsPort", "80a", "virtualRouterId", "256", "privateInterface", "eth 0", "publicInterfase", "eth1")));

    assertThat(pair.validate(spec)).extracting(Problem::field, Problem::value).containsExactlyInAnyOrder(
        tuple("components[haproxy-keepalived].settings.statsPort", "80a"),
        tuple("components[haproxy-keepalived].settings.virtualRouterId", "256"),
        tuple("components[haproxy-keepalived].settings.privateInterface", "eth 0"),
        tuple("components[haproxy-keepalived].settings.publicInterfase", "eth1"));
  }

  @Test
  void reportsAStatsPortThatClashesWithAFrontend() {
    assertThat(LoadBalancerPair.of(ComponentSpec.of("haproxy-keepalived", Map.of("statsPort", "6443"))).validate(spec))
        .singleElement().satisfies(p -> assertThat(p.reason()).contains("already used"));
  }

  private static ClusterSpec replaceHost(ClusterSpec spec, Host replacement) {
    return ClusterSpec.builder().from(spec)
        .hosts(spec.hosts().stream().map(h -> h.name().equals(replacement.name()) ? replacement : h).toList())
        .build();
  }
}
