package dev.kubesmith.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kubesmith.SeedCluster;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.StubComponents;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ComponentSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.InvalidSpecException;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Problem;
import dev.kubesmith.spec.Role;
import dev.kubesmith.spec.Topology;
import dev.kubesmith.upstream.UpstreamMirror;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterBuilderTest {
  /** Five masters and three workers, deliberately not sorted by name, plus the seed's other hosts. */
  private static final Inventory BIG = Inventory.parse("""
      192.168.4.10 bastion bastion public=203.0.113.10
      192.168.4.21 lb1 lb
      192.168.4.22 lb2 lb
      192.168.4.35 master5 master
      192.168.4.31 master1 master
      192.168.4.33 master3 master
      192.168.4.32 master2 master
      192.168.4.34 master4 master
      192.168.4.43 worker3 worker
      192.168.4.41 worker1 worker
      192.168.4.42 worker2 worker
      192.168.4.50 nfs1 nfs
      """, Inventory.Format.HOSTS_FILE);

  private static Inventory clustera() {
    return Inventory.load(SeedCluster.hostsFile());
  }

  private static InvalidSpecException failure(ClusterBuilder builder) {
    InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class, builder::build);
    assertThat(e).as("build() should fail").isNotNull();
    return e;
  }

  @Test
  void buildsTheSeedsHaClusterFromClusteraHosts() {
    Cluster cluster = Cluster.ha().name("clustera").inventory(clustera()).vip(SeedCluster.VIP).build();

    ClusterSpec spec = cluster.spec();
    assertThat(spec.topology()).isEqualTo(Topology.HA);
    assertThat(spec.hosts()).extracting(Host::name).containsExactly(
        "bastion", "lb1", "lb2", "master1", "master2", "master3", "worker1", "worker2", "worker3", "nfs1");
    assertThat(spec.network().podCidr()).isEqualTo("10.0.0.0/16");
    assertThat(spec.network().serviceCidr()).isEqualTo("10.96.0.0/12");
    assertThat(spec.network().hostNetworks()).containsExactly("192.168.4.0/24");
    assertThat(spec.kubernetesVersion()).isEqualTo(ClusterSpec.DEFAULT_KUBERNETES_VERSION);
    assertThat(cluster.components()).as("sdk-core alone has no default components").isEmpty();
    assertThat(cluster).hasToString("Cluster{clustera, HA, 10 hosts}");
  }

  @Test
  void picksTheFirstMastersAndWorkersInInventoryOrder() {
    Cluster cluster = Cluster.ha().inventory(BIG).vip(SeedCluster.VIP).masters(3).workers(2).build();

    assertThat(cluster.spec().masters()).extracting(Host::name).containsExactly("master5", "master1", "master3");
    assertThat(cluster.spec().workers()).extracting(Host::name).containsExactly("worker3", "worker1");
    assertThat(cluster.spec().host("master2")).as("an unpicked master is left out").isEmpty();
    assertThat(cluster.spec().host("worker2")).isEmpty();
    assertThat(cluster.spec().host("bastion")).isPresent();
    assertThat(cluster.spec().host("nfs1")).isPresent();
  }

  @Test
  void picksMastersByName() {
    Cluster cluster = Cluster.ha().inventory(BIG).vip(SeedCluster.VIP).masters("master1", "master2", "master3").build();

    assertThat(cluster.spec().masters()).extracting(Host::name).containsExactly("master1", "master3", "master2");
    assertThat(cluster.spec().host("master4")).isEmpty();
  }

  @Test
  void reportsAMasterNameNotInTheInventory() {
    InvalidSpecException e = failure(Cluster.ha().inventory(BIG).vip(SeedCluster.VIP)
        .masters("master1", "master2", "mastr3"));

    assertThat(e.problems()).filteredOn(p -> "mastr3".equals(p.value())).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("masters");
      assertThat(p.reason()).isEqualTo("is not in the inventory");
      assertThat(p.fix()).contains("master3");
    });
  }

  @Test
  void reportsAskingForMoreMastersThanTheInventoryHas() {
    InvalidSpecException e = failure(Cluster.ha().inventory(clustera()).vip(SeedCluster.VIP).masters(5));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("masters");
      assertThat(p.value()).isEqualTo("5");
      assertThat(p.reason()).contains("only 3 hosts with role master");
      assertThat(p.fix()).contains("ask for fewer");
    });
  }

  @Test
  void reportsAMissingInventory() {
    InvalidSpecException e = failure(Cluster.ha().vip(SeedCluster.VIP));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("inventory");
      assertThat(p.reason()).isEqualTo("is missing");
      assertThat(p.fix()).contains("Inventory.load(");
    });
  }

  @Test
  void defaultsTheBastionToTheInventorysOnlyBastionHost() {
    Cluster cluster = Cluster.ha().inventory(clustera()).vip(SeedCluster.VIP)
        .ssh(Ssh.user("ops").privateKey(Path.of("/home/ops/.ssh/id_ed25519"))).build();

    assertThat(cluster.spec().ssh().bastion()).contains("bastion");
    assertThat(cluster.spec().bastionHost()).map(Host::privateIp).contains("192.168.4.10");
    assertThat(cluster.spec().ssh().user()).isEqualTo("ops");
    assertThat(cluster.spec().ssh().privateKey()).contains("/home/ops/.ssh/id_ed25519");
  }

  @Test
  void keepsABastionTheCallerNamed() {
    Cluster cluster = Cluster.ha().inventory(clustera()).vip(SeedCluster.VIP)
        .ssh(Ssh.root().bastion("203.0.113.10")).build();

    assertThat(cluster.spec().ssh().bastion()).contains("203.0.113.10");
    assertThat(cluster.spec().bastionHost()).map(Host::name).contains("bastion");
  }

  @Test
  void setsNoBastionWithoutABastionHost() {
    Cluster cluster = Cluster.singleMaster().inventory(Inventory.of(Host.of("m1", "192.168.4.31", Role.MASTER))).build();

    assertThat(cluster.spec().ssh().bastion()).isEmpty();
  }

  @Test
  void buildsTheSeedsSingleMasterClusterFromClusterbHosts() {
    Cluster cluster = Cluster.singleMaster().name("clusterb")
        .inventory(Inventory.load(SeedCluster.hostsFile().resolveSibling("clusterb_hosts"))).build();

    assertThat(cluster.spec().topology()).isEqualTo(Topology.SINGLE_MASTER);
    assertThat(cluster.spec().masters()).extracting(Host::name).containsExactly("master1");
    assertThat(cluster.spec().network().hostNetworks()).containsExactly("10.20.0.0/24");
    assertThat(cluster.spec().ssh().bastion()).contains("bastion");
  }

  @Test
  void reusesOneSshForAClusterWithoutABastionAfterOneWithABastion() {
    // One Ssh (user, key) shared by the builds of several clusters, as a platform service would do.
    Ssh ssh = Ssh.user("ops").privateKey(Path.of("/home/ops/.ssh/id_ed25519"));
    Cluster.ha().inventory(clustera()).vip(SeedCluster.VIP).ssh(ssh).build();

    Cluster solo = Cluster.singleMaster().inventory(Inventory.of(Host.of("m1", "10.1.0.11", Role.MASTER))).ssh(ssh).build();

    assertThat(solo.spec().ssh().bastion()).as("the first cluster's default bastion").isEmpty();
  }

  @Test
  void describesTheComponentsIntoTheSpecInInstallOrder() {
    Cluster cluster = Cluster.ha().inventory(clustera()).vip(SeedCluster.VIP)
        .podNetwork(new StubComponents.PodNetwork(Map.of("mtu", "1440")))
        .addons(new StubComponents.Addon("monitoring", "storage"), new StubComponents.Addon("storage"))
        .build();

    assertThat(cluster.spec().components()).containsExactly(
        ComponentSpec.of("stub-cni", Map.of("mtu", "1440")), ComponentSpec.of("storage"), ComponentSpec.of("monitoring"));
    assertThat(cluster.components()).extracting(c -> c.name()).containsExactly("stub-cni", "storage", "monitoring");
    assertThat(cluster.component(ComponentKind.POD_NETWORK)).isPresent();
    assertThat(cluster.component(ComponentKind.LOAD_BALANCER)).isEmpty();
  }

  @Test
  void findsDefaultComponentsThroughTheServiceLoader() {
    Cluster cluster = Cluster.ha().name(StubComponents.DEFAULTS_CLUSTER).inventory(clustera()).vip(SeedCluster.VIP).build();

    assertThat(cluster.components()).extracting(c -> c.name()).containsExactly("stub-lb", "stub-cni");
    assertThat(cluster.spec().components()).extracting(ComponentSpec::name).containsExactly("stub-lb", "stub-cni");
  }

  @Test
  void reportsAnAddonWhoseRequirementIsMissing() {
    InvalidSpecException e = failure(Cluster.ha().inventory(clustera()).vip(SeedCluster.VIP)
        .addons(new StubComponents.Addon("monitoring", "storage")));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("components.monitoring");
      assertThat(p.reason()).isEqualTo("needs storage");
    });
  }

  @Test
  void settersOnlyStoreAndBuildReportsAComponentOfTheWrongKindWithTheOtherProblems() {
    ClusterBuilder builder = Cluster.ha().loadBalancer(new StubComponents.PodNetwork(Map.of())).masters(-2);

    InvalidSpecException e = failure(builder);

    assertThat(e.problems()).extracting(Problem::field).containsExactlyInAnyOrder("load balancer", "masters", "inventory");
    assertThat(e.problems()).anySatisfy(p -> {
      assertThat(p.value()).isEqualTo("stub-cni");
      assertThat(p.reason()).isEqualTo("is a POD_NETWORK component, not a LOAD_BALANCER");
      assertThat(p.fix()).contains("podNetwork");
    });
  }

  @Test
  void reportsNegativeCountsAndNullsInBuildWithTheSpecsProblems() {
    ClusterBuilder builder = Cluster.ha().inventory(clustera()).workers(-1).masters((String[]) null).name(null);

    InvalidSpecException e = failure(builder);

    assertThat(e.problems()).extracting(Problem::field).contains("workers", "masters", "name");
  }

  @Test
  void reportsBuilderAndSpecProblemsTogether() {
    InvalidSpecException e = failure(Cluster.ha().inventory(clustera()).masters(5).podCidr("192.168.0.0/16"));

    assertThat(e.problems()).extracting(Problem::field).containsExactlyInAnyOrder("masters", "privateVip", "network.podCidr");
  }

  @Test
  void buildsAClusterFromASpecReadFromYaml() {
    ClusterSpec spec = Cluster.ha().name(StubComponents.DEFAULTS_CLUSTER).inventory(clustera()).vip(SeedCluster.VIP)
        .build().spec();

    Cluster cluster = Cluster.from(ClusterSpec.fromYaml(spec.toYaml()), UpstreamMirror.official());

    assertThat(cluster.spec()).isEqualTo(spec);
    assertThat(cluster.components()).extracting(c -> c.name()).containsExactly("stub-lb", "stub-cni");
    assertThat(cluster.ssh()).isEmpty();
  }

  @Test
  void planOfARoundTrippedSpecEqualsThePlanOfTheBuilder() {
    Cluster built = Cluster.ha().name(StubComponents.DEFAULTS_CLUSTER).inventory(clustera()).vip(SeedCluster.VIP)
        .publicVip(SeedCluster.PUBLIC_VIP).build();

    Cluster read = Cluster.from(ClusterSpec.fromYaml(built.spec().toYaml()));

    assertThat(read.plan().toJson()).isEqualTo(built.plan().toJson());
  }

  @Test
  void reportsAnUnknownComponentNameInASpec() {
    ClusterSpec spec = ClusterSpec.builder().from(SeedCluster.ha()).addComponents(ComponentSpec.of("no-such-cni")).build();

    InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class, () -> Cluster.from(spec));

    assertThat(e).isNotNull();
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("components[0].name");
      assertThat(p.value()).isEqualTo("no-such-cni");
      assertThat(p.fix()).contains("sdk-network");
    });
  }

  @Test
  void reportsAProvidersProblemWithAComponentsSettings() {
    ClusterSpec spec = ClusterSpec.builder().from(SeedCluster.ha())
        .addComponents(ComponentSpec.of("stub-cni", Map.of("mtu", "big"))).build();

    InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class, () -> Cluster.from(spec));

    assertThat(e).isNotNull();
    assertThat(e.problems()).extracting(Problem::field).containsExactly("components.stub-cni.mtu");
  }

  @Test
  void keepsTheKeyPassphraseOutOfTheSpecAndToString() {
    char[] passphrase = "correct-horse-battery".toCharArray();
    Ssh ssh = Ssh.user("ops").passphrase(passphrase);
    Cluster cluster = Cluster.ha().inventory(clustera()).vip(SeedCluster.VIP).ssh(ssh).build();

    assertThat(ssh.toString()).doesNotContain("correct-horse-battery").contains("***");
    assertThat(cluster.spec().toYaml()).doesNotContain("correct-horse-battery");
    assertThat(cluster.spec().toString()).doesNotContain("correct-horse-battery");
    assertThat(cluster.ssh()).flatMap(Ssh::passphrase).map(String::new).contains("correct-horse-battery");
  }
}
