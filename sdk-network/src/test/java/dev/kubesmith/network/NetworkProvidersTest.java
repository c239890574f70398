package dev.kubesmith.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.ComponentProvider;
import dev.kubesmith.component.Components;
import dev.kubesmith.network.testing.Clusters;
import dev.kubesmith.network.testing.Plans;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ComponentSpec;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The module's providers are found through META-INF/services, as the core finds defaults. */
class NetworkProvidersTest {
  @Test
  void registersTheThreeProvidersForServiceLoader() {
    assertThat(Components.available()).extracting(ComponentProvider::name)
        .contains("haproxy-keepalived", "iptables", "calico");
  }

  @Test
  void givesAnHaClusterALoadBalancerFirewallAndPodNetworkByDefault() {
    assertThat(Components.defaultFor(ComponentKind.LOAD_BALANCER, Clusters.ha())).map(ComponentProvider::name)
        .contains("haproxy-keepalived");
    assertThat(Components.defaultFor(ComponentKind.FIREWALL, Clusters.ha())).map(ComponentProvider::name).contains("iptables");
    assertThat(Components.defaultFor(ComponentKind.POD_NETWORK, Clusters.ha())).map(ComponentProvider::name).contains("calico");
  }

  @Test
  void theDefaultsOfAnHaClusterMakeOneCheckedPlan() {
    ClusterSpec spec = Clusters.ha();
    Component[] defaults = Stream.of(ComponentKind.FIREWALL, ComponentKind.LOAD_BALANCER, ComponentKind.POD_NETWORK)
        .map(k -> Components.defaultFor(k, spec).orElseThrow())
        .map(p -> p.create(ComponentSpec.of(p.name())))
        .toArray(Component[]::new);

    Plan plan = Plans.of(spec, defaults);

    assertThat(plan.steps()).extracting(Step::id).contains("firewall@bastion", "firewall@worker3", "load-balancer@lb1",
        "load-balancer@lb2", "calico");
    assertThat(plan.steps().stream().map(Step::id).toList().indexOf("calico"))
        .isGreaterThan(plan.steps().stream().map(Step::id).toList().indexOf("kubeadm-init@master1"));
    assertThat(plan.notes()).isEmpty();
  }

  @Test
  void givesASingleMasterClusterNoLoadBalancer() {
    assertThat(Components.defaultFor(ComponentKind.LOAD_BALANCER, Clusters.singleMaster())).isEmpty();
    assertThat(Components.defaultFor(ComponentKind.FIREWALL, Clusters.singleMaster())).isPresent();
    assertThat(Components.defaultFor(ComponentKind.POD_NETWORK, Clusters.singleMaster())).isPresent();
  }
}
