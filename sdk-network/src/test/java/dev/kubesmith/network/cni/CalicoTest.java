package dev.kubesmith.network.cni;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.network.testing.Clusters;
import dev.kubesmith.network.testing.Plans;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ComponentSpec;
import dev.kubesmith.spec.Role;
import dev.kubesmith.upstream.UpstreamMirror;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CalicoTest {
  @Test
  void appliesThePatchedManifestAfterTheControlPlane() {
    ClusterSpec spec = Clusters.ha();
    Plan plan = Plans.of(spec, Calico.defaults());

    Step calico = plan.requireStep("calico");

    assertThat(calico.phase()).isEqualTo(Phase.POD_NETWORK);
    assertThat(calico.host()).isEmpty();
    assertThat(calico.dependsOn()).containsExactly("kubeadm-init@master1");
    assertThat(calico.manifests()).extracting(Manifest::name).containsExactly("calico");
    String upstream = UpstreamMirror.fromEnvironment().fetch(Calico.MANIFEST);
    assertThat(calico.manifests().get(0).yaml()).isEqualTo(CalicoManifest.patch(upstream, "10.0.0.0/16", "198.18.4.21"));
  }

  @Test
  void detectsNodeAddressesByReachingTheFirstLoadBalancerInHaClusters() {
    assertThat(Calico.autodetectTarget(Clusters.ha())).contains("198.18.4.21");
  }

  @Test
  void detectsNodeAddressesByReachingTheMasterInSingleMasterClusters() {
    ClusterSpec spec = Clusters.singleMaster();

    assertThat(Calico.autodetectTarget(spec)).contains("198.18.4.31");
    assertThat(Plans.of(spec, Calico.defaults()).requireStep("calico").manifests().get(0).yaml())
        .contains("can-reach=198.18.4.31");
  }

  @Test
  void pinsCalico3321ByChecksum() {
    assertThat(Calico.MANIFEST.version()).isEqualTo("v3.32.1");
    assertThat(Calico.MANIFEST.mirrorPath()).isEqualTo("calico/calico.yaml");
    assertThat(Calico.MANIFEST.upstreamUrl())
        .isEqualTo("https://raw.githubusercontent.com/projectcalico/calico/v3.32.1/manifests/calico.yaml");
    assertThat(Calico.MANIFEST.sha256()).isEqualTo("a1df919d9721cf667accdc3e72848911b0cb25cfab7d2478ad0c996302c95744");
  }

  @Test
  void isTheDefaultPodNetworkOfEveryCluster() {
    CalicoProvider provider = new CalicoProvider();

    assertThat(provider.name()).isEqualTo("calico");
    assertThat(provider.kind()).isEqualTo(ComponentKind.POD_NETWORK);
    assertThat(provider.isDefaultFor(Clusters.ha())).isTrue();
    assertThat(provider.isDefaultFor(Clusters.singleMaster())).isTrue();
  }

  @Test
  void reportsAClusterWithNoHostToReachForAutodetection() {
    ClusterSpec ha = Clusters.ha();
    ClusterSpec noLb = ClusterSpec.builder().from(ha).hosts(ha.hosts().stream().filter(h -> !h.has(Role.LB)).toList()).build();

    assertThat(Calico.defaults().validate(noLb)).singleElement()
        .satisfies(p -> assertThat(p.reason()).contains("no host has role lb"));
    assertThat(Calico.defaults().validate(ha)).isEmpty();
  }

  @Test
  void reportsSettingsBecauseItHasNone() {
    assertThat(new CalicoProvider().create(ComponentSpec.of("calico", Map.of("mtu", "1440"))).validate(Clusters.ha()))
        .singleElement().satisfies(p -> assertThat(p.field()).isEqualTo("components[calico].settings.mtu"));
  }
}
