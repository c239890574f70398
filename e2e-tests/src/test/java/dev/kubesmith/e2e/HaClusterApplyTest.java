package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.exec.BuildFailedException;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.ExecResult;
import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.Sandbox;
import dev.kubesmith.testkit.SandboxHost;
import io.fabric8.kubernetes.api.model.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 4 end to end: Cluster.ha() on a bastion, two load balancers, three masters and three workers
 * (plus a fourth worker added later). The API data path is real: SSH forward through the bastion ->
 * VIP:6443 -> haproxy on the LB holding the VIP -> a master's :6443 -> the mock API in this JVM.
 * One scenario in order: build, check, re-run, grow, fail over.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaClusterApplyTest {
  static final String VIP = "198.18.4.100";
  static final String PUBLIC_VIP = "198.18.100.100";
  static MockApi api;
  static Sandbox sandbox;
  static Path state;

  @BeforeAll
  static void start() throws Exception {
    api = MockApi.start();
    sandbox = Sandbox.builder()
        .host("bastion", "198.18.4.10", Role.BASTION)
        .host("lb1", "198.18.4.21", "198.18.100.21", Role.LB).host("lb2", "198.18.4.22", "198.18.100.22", Role.LB)
        .host("master1", "198.18.4.31", Role.MASTER).host("master2", "198.18.4.32", Role.MASTER)
        .host("master3", "198.18.4.33", Role.MASTER)
        .host("worker1", "198.18.4.41", Role.WORKER).host("worker2", "198.18.4.42", Role.WORKER)
        .host("worker3", "198.18.4.43", Role.WORKER).host("worker4", "198.18.4.44", Role.WORKER)
        .apiServer(api.address()).build().start();
    state = Files.createTempDirectory("ks-e2e-state");
  }

  @AfterAll
  static void stop() {
    if (sandbox != null) {
      sandbox.close();
    }
    if (api != null) {
      api.close();
    }
  }

  /** The cluster on the sandbox's hosts, leaving out those the predicate rejects. */
  static Cluster cluster(Predicate<Host> include) {
    List<Host> hosts = sandbox.inventory().hosts().stream().filter(include).toList();
    return Cluster.ha().name("e2e").inventory(Inventory.of(hosts)).vip(VIP).publicVip(PUBLIC_VIP)
        .ssh(sandbox.ssh()).build();
  }

  static ApplyOptions options() {
    return ApplyOptions.defaults().stateDirectory(state);
  }

  static List<String> readyNodes() {
    return api.client().nodes().list().getItems().stream()
        .filter(n -> n.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .map(n -> n.getMetadata().getName()).sorted().toList();
  }

  static long holders(String vip) {
    return sandbox.hosts().stream().filter(h -> h.roles().contains(Role.LB))
        .filter(h -> h.exec("ip", "-o", "addr", "show").stdout().contains(" " + vip + "/")).count();
  }

  static ExecResult probe(SandboxHost from, String ip, int port) {
    return from.exec("timeout", "3", "bash", "-c", "exec 3<>/dev/tcp/" + ip + "/" + port);
  }

  @Test
  @Order(1)
  void buildsAnHaClusterThroughTheBastionAndTheVip() throws Exception {
    BuildResult result = cluster(h -> !h.name().equals("worker4")).apply(options());

    assertThat(result.ran()).contains("kubeadm-init@master1", "calico", "join-master@master3", "join-worker@worker3", "nodes");
    assertThat(readyNodes()).containsExactly("master1", "master2", "master3", "worker1", "worker2", "worker3");
    Node w1 = api.client().nodes().withName("worker1").get();
    assertThat(w1.getMetadata().getLabels()).containsKey("node-role.kubernetes.io/worker");
    assertThat(api.client().apps().daemonSets().inNamespace("kube-system").withName("calico-node").get()).isNotNull();
    Path kubeconfig = state.resolve("admin.conf");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kubeconfig))).isEqualTo("rw-------");
  }

  @Test
  @Order(2)
  void exactlyOneLoadBalancerHoldsEachVipAndTheApiAnswersThroughIt() {
    assertThat(holders(VIP)).isEqualTo(1);
    assertThat(holders(PUBLIC_VIP)).isEqualTo(1);
    ExecResult healthz = sandbox.bastion().exec("curl", "-sk", "--max-time", "5", "https://" + VIP + ":6443/healthz");
    assertThat(healthz.stdout()).isEqualTo("ok");
  }

  @Test
  @Order(3)
  void theFirewallAdmitsOnlyWebTrafficFromThePublicSideAndSshOnlyFromTheBastion() {
    SandboxHost outsider = sandbox.host("lb2"); // its public address is outside the private network
    assertThat(probe(outsider, "198.18.100.21", 80).exitCode()).as("80 on lb1's public IP").isZero();
    assertThat(probe(outsider, "198.18.100.21", 6443).exitCode()).as("6443 on lb1's public IP").isNotZero();
    assertThat(probe(outsider, "198.18.100.21", 8404).exitCode()).as("stats on lb1's public IP").isNotZero();
    assertThat(probe(sandbox.bastion(), "198.18.4.31", 22).exitCode()).as("ssh bastion -> master1").isZero();
    assertThat(probe(sandbox.host("worker1"), "198.18.4.31", 22).exitCode()).as("ssh worker1 -> master1").isNotZero();
    assertThat(probe(sandbox.host("worker1"), "198.18.4.31", 6443).exitCode()).as("api worker1 -> master1").isZero();
  }

  @Test
  @Order(4)
  void reRunningOnTheBuiltClusterChangesNothing() {
    long t0 = System.nanoTime();
    BuildResult again = cluster(h -> !h.name().equals("worker4")).apply(options());
    double seconds = (System.nanoTime() - t0) / 1e9;

    assertThat(again.ran()).as("only the step that reads fresh join credentials runs").containsExactly("join-credentials@master1");
    System.out.printf(Locale.ROOT, "e2e: re-run of the built HA cluster took %.2f s, %d steps already done%n", seconds,
        again.skipped().size());
  }

  @Test
  @Order(5)
  void aWorkerAddedLaterJoinsAloneAndResumesAfterAFailedJoin() {
    long joinsBefore = joins("worker1");
    sandbox.host("worker4").failNext("kubeadm", 1, 1, "error execution phase preflight: couldn't validate the identity of the API Server");

    assertThatThrownBy(() -> cluster(h -> true).apply(options())).isInstanceOf(BuildFailedException.class)
        .hasMessageContaining("join-worker@worker4").hasMessageContaining("kubeadm join")
        .hasMessageContaining("couldn't validate the identity");
    BuildResult fixed = cluster(h -> true).apply(options());

    assertThat(fixed.ran()).contains("join-worker@worker4", "nodes")
        .doesNotContain("join-worker@worker1", "join-master@master2", "kubeadm-init@master1");
    assertThat(readyNodes()).contains("worker4");
    assertThat(joins("worker1")).as("worker1 did not join again").isEqualTo(joinsBefore);
    assertThat(joins("worker4")).as("worker4: the failed join and the one that worked").isEqualTo(2);
  }

  static long joins(String host) {
    return sandbox.host(host).calls("kubeadm").stream().filter(c -> c.args().contains("join")).count();
  }
}
