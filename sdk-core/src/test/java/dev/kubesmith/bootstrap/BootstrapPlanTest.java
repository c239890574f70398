package dev.kubesmith.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.kubesmith.SeedCluster;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.component.StubComponents;
import dev.kubesmith.plan.Facts;
import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Role;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BootstrapPlanTest {

  /** clustera with the stub load balancer and pod network the ServiceLoader finds for this cluster name. */
  private static Plan haPlan() {
    return Cluster.ha().name(StubComponents.DEFAULTS_CLUSTER).inventory(Inventory.load(SeedCluster.hostsFile()))
        .vip(SeedCluster.VIP).build().plan();
  }

  @Test
  void preparesEveryHostFirst() {
    Plan plan = haPlan();

    assertThat(plan.steps()).filteredOn(s -> s.phase() == Phase.PREPARE_HOSTS && s.id().startsWith("prepare@"))
        .extracting(Step::id).containsExactly(
        "prepare@bastion", "prepare@lb1", "prepare@lb2", "prepare@master1", "prepare@master2", "prepare@master3",
        "prepare@worker1", "prepare@worker2", "prepare@worker3", "prepare@nfs1");
    assertThat(plan.requireStep("prepare@master1").dependsOn()).containsExactly("facts@master1");
  }

  @Test
  void readsTheFactsOfEveryHostFirstWithoutDependencies() {
    Plan plan = haPlan();

    assertThat(plan.steps()).filteredOn(s -> s.id().startsWith("facts@")).extracting(Step::id).containsExactly(
        "facts@bastion", "facts@lb1", "facts@lb2", "facts@master1", "facts@master2", "facts@master3",
        "facts@worker1", "facts@worker2", "facts@worker3", "facts@nfs1");
    Step facts = plan.requireStep(Facts.stepId("master1"));
    assertThat(facts.phase()).isEqualTo(Phase.PREPARE_HOSTS);
    assertThat(facts.dependsOn()).isEmpty();
    assertThat(facts.captures()).isEmpty();
    assertThat(facts.facts()).containsOnlyKeys(Facts.PRIVATE_INTERFACE, Facts.OS_ID, Facts.OS_VERSION, Facts.INIT_SYSTEM);
    assertThat(facts.facts().get(Facts.PRIVATE_INTERFACE)).contains("ip -o -4 addr show", "-v ip=192.168.4.31 ");
    assertThat(facts.facts().get(Facts.INIT_SYSTEM)).isEqualTo("ps -p 1 -o comm=");
  }

  @Test
  void readsThePublicInterfaceOfAHostWithAPublicIp() {
    Host lb = Host.builder().name("lb1").privateIp("192.168.4.21").publicIp("203.0.113.21").addRoles(Role.LB).build();

    Step facts = Bootstrap.facts(lb);

    assertThat(facts.facts()).containsKey(Facts.PUBLIC_INTERFACE);
    assertThat(facts.facts().get(Facts.PUBLIC_INTERFACE)).contains("-v ip=203.0.113.21 ", "public IP 203.0.113.21");
  }

  @Test
  void initialisesTheFirstMasterAfterTheLoadBalancers() {
    Step init = haPlan().requireStep("kubeadm-init@master1");

    assertThat(init.host()).contains("master1");
    assertThat(init.dependsOn()).containsExactlyInAnyOrder("prepare@master1", "stub-lb@lb1", "stub-lb@lb2");
    assertThat(init.commands()).singleElement().asString()
        .contains("kubeadm reset -f", "other nodes joined it: kubesmith does not reset it")
        .endsWith("kubeadm init --config /etc/kubernetes/kubeadm-config.yaml --upload-certs --skip-token-print --skip-certificate-key-print");
    assertThat(init.files()).extracting(FileArtifact::path, FileArtifact::mode)
        .containsExactly(tuple(Bootstrap.KUBEADM_CONFIG, 0600));
    // done by its effect: kubeadm writes admin.conf long before its last phases
    assertThat(init.check()).get().asString().contains("get configmap kubeadm-config kubelet-config coredns kube-proxy", "cluster-info");
  }

  @Test
  void readsTheJoinCredentialsAsCapturedSecrets() {
    Step credentials = haPlan().requireStep("join-credentials@master1");

    assertThat(credentials.dependsOn()).containsExactly("kubeadm-init@master1");
    assertThat(credentials.captures()).containsOnlyKeys(
        KubeadmConfig.JOIN_TOKEN, KubeadmConfig.CA_CERT_HASH, KubeadmConfig.CERTIFICATE_KEY, Bootstrap.ADMIN_KUBECONFIG);
  }

  @Test
  void joinsTheOtherMastersOneAtATime() {
    Plan plan = haPlan();

    assertThat(plan.requireStep("join-master@master2").dependsOn())
        .containsExactlyInAnyOrder("prepare@master2", "join-credentials@master1", "stub-cni");
    assertThat(plan.requireStep("join-master@master3").dependsOn())
        .containsExactlyInAnyOrder("prepare@master3", "join-credentials@master1", "join-master@master2", "stub-cni");
  }

  @Test
  void joinsWorkersAfterOnlyTheirPreparationTheCredentialsAndThePodNetwork() {
    Plan plan = haPlan();

    for (String w : List.of("worker1", "worker2", "worker3")) {
      Step join = plan.requireStep("join-worker@" + w);
      assertThat(join.phase()).isEqualTo(Phase.JOIN_WORKERS);
      assertThat(join.host()).contains(w);
      assertThat(join.dependsOn()).as(join.id())
          .containsExactlyInAnyOrder("prepare@" + w, "join-credentials@master1", "stub-cni");
    }
  }

  @Test
  void appliesThePodNetworkAfterTheControlPlane() {
    assertThat(haPlan().requireStep("stub-cni").dependsOn())
        .containsExactlyInAnyOrder("kubeadm-init@master1", "join-credentials@master1");
  }

  @Test
  void labelsTheNodesOnceEveryNodeHasJoined() {
    Step nodes = haPlan().requireStep("nodes");

    assertThat(nodes.host()).isEmpty();
    assertThat(nodes.dependsOn()).containsExactlyInAnyOrder("join-credentials@master1", "join-master@master2",
        "join-master@master3", "join-worker@worker1", "join-worker@worker2", "join-worker@worker3");
    assertThat(nodes.manifests()).singleElement().satisfies(m -> {
      assertThat(m.name()).isEqualTo("node-labels");
      assertThat(m.yaml()).contains("name: master1", "node-role.kubernetes.io/control-plane: \"\"",
          "name: worker3", "node-role.kubernetes.io/worker: \"\"");
    });
  }

  @Test
  void ordersEveryStepAfterItsDependencies() {
    Plan plan = haPlan();

    Set<String> done = new HashSet<>();
    for (Step s : plan.steps()) {
      assertThat(done).as("dependencies of %s", s.id()).containsAll(s.dependsOn());
      done.add(s.id());
    }
    assertThat(done).hasSize(plan.steps().size());
  }

  @Test
  void estimatesTheHaBuildsCriticalPath() {
    Plan plan = haPlan();

    // facts (1) + prepare master (120) + init (90) + credentials (5) + cni (5) + master2 (60) + master3 (60) + nodes (30)
    assertThat(plan.criticalPath(Step::estimate)).isEqualTo(Duration.ofSeconds(371));
    assertThat(plan.criticalChain(Step::estimate)).containsExactly("facts@master1", "prepare@master1", "kubeadm-init@master1",
        "join-credentials@master1", "stub-cni", "join-master@master2", "join-master@master3", "nodes");
  }

  @Test
  void preparesEachKindOfHostWithItsOwnFiles() {
    Plan plan = haPlan();

    assertThat(plan.requireStep("prepare@worker1").files()).extracting(FileArtifact::path).containsExactly(
        HostPreparation.HOSTS_BLOCK, HostPreparation.HOST_NAME_FILE, HostPreparation.SYSCTL, HostPreparation.MODULES, ContainerdConfig.VERSION2_FILE,
        ContainerdConfig.VERSION3_FILE, HostPreparation.SCRIPT);
    assertThat(plan.requireStep("prepare@lb1").files()).extracting(FileArtifact::path).containsExactly(
        HostPreparation.HOSTS_BLOCK, HostPreparation.HOST_NAME_FILE, HostPreparation.SCRIPT); // LB sysctls come with the load balancer component
    assertThat(plan.requireStep("prepare@bastion").files()).extracting(FileArtifact::path).containsExactly(
        HostPreparation.HOSTS_BLOCK, HostPreparation.HOST_NAME_FILE, HostPreparation.SCRIPT);
    assertThat(plan.requireStep("prepare@worker1").files()).filteredOn(f -> f.path().equals(HostPreparation.SCRIPT))
        .singleElement().satisfies(f -> assertThat(f.modeOctal()).isEqualTo("0755"));
    assertThat(plan.requireStep("prepare@worker1").check()).contains(HostPreparation.SCRIPT + " --check");
  }

  @Test
  void plansASingleMasterWithoutWorkersAndNotesTheTaint() {
    Plan plan = Cluster.singleMaster().inventory(Inventory.of(Host.of("solo", "192.168.4.31", Role.MASTER))).build().plan();

    assertThat(plan.steps()).extracting(Step::id)
        .containsExactly("facts@solo", "prepare@solo", "kubeadm-init@solo", "join-credentials@solo", "nodes");
    assertThat(plan.requireStep("join-credentials@solo").captures()).doesNotContainKey(KubeadmConfig.CERTIFICATE_KEY);
    assertThat(plan.notes()).singleElement().asString().contains("solo gets no control-plane taint");
    assertThat(plan.requireStep("kubeadm-init@solo").files().get(0).content()).contains("taints: []");
  }
}
