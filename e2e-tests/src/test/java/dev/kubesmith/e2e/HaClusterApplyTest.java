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
  static final String VIP = HaSandbox.VIP;
  static final String PUBLIC_VIP = HaSandbox.PUBLIC_VIP;
  static MockApi api;
  static Sandbox sandbox;
  static Path state;

  @BeforeAll
  static void start() throws Exception {
    api = MockApi.start();
    sandbox = HaSandbox.builder(api).host("worker4", "198.18.4.44", Role.WORKER).build().start();
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
    // the fetched admin.conf itself works: through a forward over the bastion to the VIP
    dev.kubesmith.spec.ClusterSpec spec = cluster(h -> !h.name().equals("worker4")).spec();
    try (dev.kubesmith.ssh.SshConnector ssh = dev.kubesmith.ssh.SshConnector.forSpec(spec, java.util.Optional.empty(),
             new dev.kubesmith.ssh.Redactor());
         dev.kubesmith.ssh.LocalForward forward = ssh.forward(VIP, 6443);
         dev.kubesmith.kube.KubernetesApi fetched = dev.kubesmith.kube.KubernetesApi.fromKubeconfig(
             Files.readString(kubeconfig), java.util.Optional.of("https://127.0.0.1:" + forward.localPort()))) {
      assertThat(Files.readString(kubeconfig)).contains("server: https://" + VIP + ":6443");
      fetched.waitForReadyNodes(List.of("master1", "master2", "master3", "worker1", "worker2", "worker3"),
          java.time.Duration.ofSeconds(5));
      assertThat(fetched.client().nodes().list().getItems()).hasSize(6);
    }
  }

  @Test
  @Order(9)
  void neitherJoinTokensNorCertificateKeysReachTheLog() throws Exception {
    List<String> tokens = api.client().secrets().inNamespace("kube-system").list().getItems().stream()
        .filter(s -> "bootstrap.kubernetes.io/token".equals(s.getType()))
        .map(s -> decode(s.getData().get("token-id")) + "." + decode(s.getData().get("token-secret"))).toList();
    String log = Files.readString(Path.of(System.getProperty("kubesmith.test.log")));

    assertThat(tokens).as("join tokens the builds created").isNotEmpty();
    assertThat(log).as("the debug log shows the commands that used them").contains("kubeadm join --config");
    assertThat(tokens).allSatisfy(t -> assertThat(log).doesNotContain(t));
    for (String master : List.of("master2", "master3")) {
      // the join configuration held the token and the certificate key: removed once the join ended
      assertThat(sandbox.host(master).exec("test", "-e", "/etc/kubernetes/kubeadm-join.yaml").exitCode())
          .as("kubeadm-join.yaml left on " + master).isNotZero();
    }
    assertThat(log).doesNotContainPattern("certificateKey: *\"?[0-9a-f]{64}")
        .doesNotContainPattern("Using certificate key:\\s*[0-9a-f]{64}");
  }

  private static String decode(String base64) {
    return new String(java.util.Base64.getDecoder().decode(base64), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  @Order(2)
  void exactlyOneLoadBalancerHoldsEachVipAndTheApiAnswersThroughIt() throws Exception {
    // VRRP may still settle right after the apply (the higher priority preempts after ~3 s)
    SandboxHost holder = settledHolder(VIP);
    settledHolder(PUBLIC_VIP);
    SandboxHost backup = sandbox.host(holder.name().equals("lb1") ? "lb2" : "lb1");
    // and it stays settled: under load both held the private VIP for good (a lease renewal racing
    // keepalived's removal added it back on the BACKUP); the check script now removes it there
    for (int i = 0; i < 6; i++) {
      assertThat(holders(VIP)).as("holders of the private VIP, %d ms after it settled", i * 500).isEqualTo(1);
      assertThat(holders(PUBLIC_VIP)).isEqualTo(1);
      Thread.sleep(500);
    }
    assertThat(backup.exec("cat", "/run/keepalived/kubesmith/kubesmith_private").stdout())
        .as("the state keepalived reported on %s", backup.name()).isEqualTo("BACKUP\n");
    // the race itself, as the renewal leaves it: the VIP on the BACKUP, with a lease
    backup.exec("ip", "addr", "add", VIP + "/24", "dev", "eth0", "valid_lft", "5", "preferred_lft", "5").requireSuccess();
    double removed = HaSandbox.within(java.time.Duration.ofSeconds(3), () -> heldOnlyBy(holder, VIP));
    System.out.printf(Locale.ROOT, "e2e: a VIP left on the BACKUP %s was removed after %.2f s%n", backup.name(), removed);
    ExecResult healthz = sandbox.bastion().exec("curl", "-sk", "--max-time", "5", "https://" + VIP + ":6443/healthz");
    assertThat(healthz.stdout()).isEqualTo("ok");
  }

  @Test
  @Order(3)
  void theFirewallAdmitsOnlyWebTrafficFromThePublicSideAndSshOnlyFromTheBastion() {
    SandboxHost outsider = sandbox.host("lb2"); // its public address is outside the private network
    assertThat(probe(outsider, "198.18.100.21", 80).exitCode()).as("80 on lb1's public IP").isZero();
    assertThat(probe(outsider, "198.18.100.21", 443).exitCode()).as("443 on lb1's public IP").isZero();
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

    assertThat(again.ran()).as("only the facts and the step that reads fresh join credentials run")
        .filteredOn(id -> !id.startsWith("facts@")).containsExactly("join-credentials@master1");
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
    System.out.println("e2e: after adding worker4 these steps ran: " + fixed.ran());

    assertThat(fixed.ran()).contains("join-worker@worker4", "nodes")
        .doesNotContain("join-worker@worker1", "join-master@master2", "kubeadm-init@master1");
    assertThat(readyNodes()).contains("worker4");
    assertThat(joins("worker1")).as("worker1 did not join again").isEqualTo(joinsBefore);
    assertThat(joins("worker4")).as("worker4: the failed join and the one that worked").isEqualTo(2);
  }

  /** Waits until exactly one LB holds the VIP (VRRP settles after any restart); prints the LBs' state if not. */
  static SandboxHost settledHolder(String vip) {
    try {
      HaSandbox.within(java.time.Duration.ofSeconds(20), () -> holders(vip) == 1);
    } catch (AssertionError e) {
      for (SandboxHost lb : List.of(sandbox.host("lb1"), sandbox.host("lb2"))) {
        System.out.println(lb.name() + ": " + lb.exec("ip", "-o", "addr", "show").stdout());
        System.out.println(lb.name() + " calls: " + lb.calls("systemctl"));
      }
      throw e;
    }
    return holder(vip);
  }

  /** Whether this LB, and only it, holds the VIP now (no exception while VRRP is in transition). */
  static boolean heldOnlyBy(SandboxHost lb, String vip) {
    return holders(vip) == 1 && lb.exec("ip", "-o", "addr", "show").stdout().contains(" " + vip + "/");
  }

  static SandboxHost holder(String vip) {
    return sandbox.hosts().stream().filter(h -> h.roles().contains(Role.LB))
        .filter(h -> h.exec("ip", "-o", "addr", "show").stdout().contains(" " + vip + "/")).findFirst()
        .orElseThrow(() -> new AssertionError("no load balancer holds " + vip));
  }

  static boolean apiAnswers() {
    return "ok".equals(sandbox.bastion().exec("curl", "-sk", "--max-time", "1", "https://" + VIP + ":6443/healthz").stdout());
  }

  /** Kills -9 the processes named {@code name} in one host's network namespace only (the PID space is shared). */
  static void kill9(SandboxHost host, String name) throws Exception {
    Process p = new ProcessBuilder("ip", "netns", "pids", host.namespace()).start();
    String pids = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    int killed = 0;
    for (String pid : pids.split("\\s+")) {
      Path comm = Path.of("/proc", pid, "comm");
      String command;
      try {
        command = pid.isBlank() ? "" : Files.readString(comm).strip();
      } catch (java.nio.file.NoSuchFileException gone) {
        continue; // a short-lived process ended meanwhile
      }
      if (command.equals(name)) {
        new ProcessBuilder("kill", "-9", pid).start().waitFor();
        killed++;
      }
    }
    assertThat(killed).as(name + " processes killed on " + host.name()).isPositive();
  }

  static List<String> processes(SandboxHost host) {
    try {
      Process p = new ProcessBuilder("ip", "netns", "pids", host.namespace()).start();
      String pids = new String(p.getInputStream().readAllBytes());
      p.waitFor();
      List<String> out = new java.util.ArrayList<>();
      for (String pid : pids.split("\\s+")) {
        try {
          out.add(pid + ":" + Files.readString(Path.of("/proc", pid, "cmdline")).replace('\0', ' ').strip());
        } catch (java.io.IOException gone) {
          // ended meanwhile
        }
      }
      return out;
    } catch (Exception e) {
      return List.of(e.toString());
    }
  }

  @Test
  @Order(6)
  void haproxyRoutesAroundAMasterWhoseApiServerStopped() {
    sandbox.host("master1").stopApiServer();
    try {
      double seconds = HaSandbox.within(java.time.Duration.ofSeconds(30), () -> {
        for (int i = 0; i < 10; i++) {
          if (!apiAnswers()) {
            return false;
          }
        }
        return true;
      });
      System.out.printf(Locale.ROOT, "e2e failover: master1 API stopped, 10 requests in a row answered via the VIP after %.2f s%n",
          seconds);
    } finally {
      sandbox.host("master1").startApiServer();
    }
  }

  @Test
  @Order(7)
  void killingKeepalivedOnTheVipHolderMovesTheVipAndTheApiAnswersAgain() throws Exception {
    SandboxHost before = settledHolder(VIP);
    SandboxHost other = sandbox.host(before.name().equals("lb1") ? "lb2" : "lb1");

    kill9(before, "keepalived");
    long t0 = System.nanoTime();
    // a killed keepalived cannot remove the VIP from its own interface: the new master's gratuitous
    // ARP takes the traffic, and the address is cleaned up when keepalived starts again
    double moved = HaSandbox.within(java.time.Duration.ofSeconds(30),
        () -> other.exec("ip", "-o", "addr", "show").stdout().contains(" " + VIP + "/"));
    double answering = moved + HaSandbox.within(java.time.Duration.ofSeconds(30), HaClusterApplyTest::apiAnswers);
    System.out.printf(Locale.ROOT, "e2e failover: keepalived killed on %s: VIP on %s after %.2f s, API answering after %.2f s%n",
        before.name(), other.name(), moved, answering);

    // as systemd would after a crash: the dead daemon's pid files go before the restart
    before.exec("rm", "-f", "/run/keepalived.pid", "/run/keepalived_vrrp.pid", "/run/keepalived_checkers.pid");
    before.exec("systemctl", "start", "keepalived").requireSuccess();
    double back;
    try {
      back = HaSandbox.within(java.time.Duration.ofSeconds(30), () -> heldOnlyBy(before, VIP));
    } catch (AssertionError e) {
      System.out.println("diag " + before.name() + " processes: " + processes(before));
      System.out.println("diag " + before.name() + " calls: " + before.calls("systemctl"));
      throw e;
    }
    System.out.printf(Locale.ROOT, "e2e failover: keepalived restarted on %s: VIP back after %.2f s%n", before.name(), back);
    assertThat(holders(VIP)).isEqualTo(1);
    assertThat(System.nanoTime()).isGreaterThan(t0);
  }

  @Test
  @Order(8)
  void stoppingHaproxyOnTheHolderMovesTheVipThroughTheCheckScript() {
    SandboxHost before = settledHolder(VIP);
    SandboxHost other = sandbox.host(before.name().equals("lb1") ? "lb2" : "lb1");

    before.exec("systemctl", "stop", "haproxy").requireSuccess();
    double moved;
    try {
      moved = HaSandbox.within(java.time.Duration.ofSeconds(30), () -> heldOnlyBy(other, VIP));
    } catch (AssertionError e) {
      System.out.println("diag " + before.name() + " processes: " + processes(before));
      System.out.println("diag ss: " + before.exec("ss", "-ltnp").stdout());
      ExecResult check = before.exec("/etc/keepalived/check_haproxy.sh");
      System.out.println("diag check script exit " + check.exitCode() + " " + check.stdout() + check.stderr());
      System.out.println("diag haproxy calls: " + before.calls("systemctl"));
      throw e;
    }
    double answering = moved + HaSandbox.within(java.time.Duration.ofSeconds(30), HaClusterApplyTest::apiAnswers);
    System.out.printf(Locale.ROOT, "e2e failover: haproxy stopped on %s: VIP on %s after %.2f s, API answering after %.2f s%n",
        before.name(), other.name(), moved, answering);
    HaSandbox.within(java.time.Duration.ofSeconds(10), () -> heldOnlyBy(other, PUBLIC_VIP)); // the sync group moves it too

    before.exec("systemctl", "start", "haproxy").requireSuccess();
    HaSandbox.within(java.time.Duration.ofSeconds(30), () -> heldOnlyBy(before, VIP));
  }

  static long joins(String host) {
    return sandbox.host(host).calls("kubeadm").stream().filter(c -> c.args().contains("join")).count();
  }
}
