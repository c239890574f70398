package dev.kubesmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.bootstrap.Bootstrap;
import dev.kubesmith.bootstrap.KubeadmConfig;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.kube.KubernetesApi;
import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Secrets;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Role;
import dev.kubesmith.ssh.LocalForward;
import dev.kubesmith.ssh.Redactor;
import dev.kubesmith.ssh.SshConnector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The masters' :6443 backed by a KubernetesMockServer in the test JVM, and the kubeadm stub working
 * through it: the SDK's own init, credentials and join steps, run over SSH through the bastion.
 */
class ApiServerTest {
  private static final String CA_HASH = "openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt"
      + " | openssl pkey -pubin -outform der | openssl dgst -sha256 -hex | sed 's/^.* /sha256:/'";
  private static MockApi api;
  private static Sandbox sandbox;
  private static BuildResult bootstrap;

  @BeforeAll
  static void start() {
    api = MockApi.start();
    sandbox = Sandbox.builder().apiServer(api.address())
        .host("bastion", "198.18.4.10", Role.BASTION)
        .host("lb1", "198.18.4.21", "198.18.100.21", Role.LB)
        .host("lb2", "198.18.4.22", "198.18.100.22", Role.LB)
        .host("master1", "198.18.4.31", Role.MASTER)
        .host("master2", "198.18.4.32", Role.MASTER)
        .host("master3", "198.18.4.33", Role.MASTER)
        .host("worker1", "198.18.4.41", Role.WORKER)
        .build().start();
    for (String h : List.of("master1", "master2", "master3", "worker1")) {
      sandbox.host(h).exec("apt-get", "install", "-y", "kubeadm=1.34.2-1.1", "kubelet=1.34.2-1.1").requireSuccess();
      // as the preparation step leaves a node: kubeadm's preflight refuses ip_forward off
      sandbox.host(h).exec("sysctl", "-w", "net.ipv4.ip_forward=1").requireSuccess();
    }
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

  @Test
  void everyMasterServesTheMockApiOnItsPrivateIp() {
    for (String m : List.of("master1", "master2", "master3")) {
      SandboxHost master = sandbox.host(m);
      ExecResult own = master.exec("curl", "-sk", "--max-time", "5", "https://" + master.privateIp() + ":6443/healthz");
      assertThat(own.stdout()).as(m + ": " + own.stderr()).isEqualTo("ok");
      assertThat(master.apiServerRunning()).isTrue();
    }
    ExecResult fromWorker = sandbox.host("worker1").exec("curl", "-sk", "--max-time", "5", "https://198.18.4.33:6443/version");
    assertThat(fromWorker.stdout()).as(fromWorker.stderr()).contains("\"gitVersion\":\"v1.34.2\"");
    assertThat(sandbox.host("worker1").apiServerRunning()).isFalse();
    assertThatThrownBy(() -> sandbox.host("lb1").stopApiServer()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only MASTER hosts");
  }

  @Test
  void aStoppedApiServerRefusesConnectionsWhileSshStaysUp() {
    SandboxHost master3 = sandbox.host("master3");
    SandboxHost worker = sandbox.host("worker1");

    master3.stopApiServer();
    ExecResult refused = worker.exec("curl", "-sk", "--max-time", "5", "https://198.18.4.33:6443/healthz");
    ExecResult ssh = OpenSsh.run(sandbox, master3, "hostname");
    boolean runningWhenStopped = master3.apiServerRunning();
    master3.startApiServer();
    ExecResult back = worker.exec("curl", "-sk", "--max-time", "5", "https://198.18.4.33:6443/healthz");

    assertThat(refused.exitCode()).as("curl: connection refused").isEqualTo(7);
    assertThat(runningWhenStopped).isFalse();
    assertThat(ssh.stdout()).isEqualTo("master3\n");
    assertThat(back.stdout()).isEqualTo("ok");
    assertThat(master3.apiServerRunning()).isTrue();
  }

  @Test
  void haproxysTlsHealthCheckSeesAStoppedApiServerAndRoutesAroundIt() throws InterruptedException {
    SandboxHost lb = sandbox.host("lb1");
    SandboxHost master3 = sandbox.host("master3");
    // the API server frontend and health check of sdk-network's haproxy.cfg, with quicker check timing
    lb.writeFile("/etc/haproxy/haproxy.cfg", """
        global
            log stdout format raw local0
        defaults
            mode tcp
            retries 3
            timeout connect 5s
            timeout client 1h
            timeout server 1h
            timeout check 5s
        frontend kube-apiserver
            bind *:6443
            default_backend kube-apiserver
        backend kube-apiserver
            balance roundrobin
            option httpchk
            http-check send meth GET uri /healthz
            http-check expect status 200
            default-server inter 300ms fall 2 rise 1
            server master1 198.18.4.31:6443 check check-ssl verify none
            server master2 198.18.4.32:6443 check check-ssl verify none
            server master3 198.18.4.33:6443 check check-ssl verify none
        frontend stats
            bind 198.18.4.21:8404
            mode http
            stats enable
            stats uri /stats
        """);
    lb.exec("systemctl", "restart", "haproxy").requireSuccess();
    try {
      boolean allUp = waitFor(() -> status(lb, "master1").equals("UP") && status(lb, "master2").equals("UP")
          && status(lb, "master3").equals("UP"));
      master3.stopApiServer();
      boolean down = waitFor(() -> status(lb, "master3").startsWith("DOWN"));
      List<String> answers = new java.util.ArrayList<>();
      for (int i = 0; i < 9; i++) {
        answers.add(sandbox.host("worker1").exec("curl", "-sk", "--max-time", "5", "https://198.18.4.21:6443/healthz").stdout());
      }
      master3.startApiServer();
      boolean upAgain = waitFor(() -> status(lb, "master3").equals("UP"));

      assertThat(allUp).as("the TLS GET /healthz check passes through every master's bridge").isTrue();
      assertThat(down).as("haproxy marks master3 down once its API server stopped").isTrue();
      assertThat(answers).as("every request through the load balancer is answered").containsOnly("ok");
      assertThat(upAgain).isTrue();
    } finally {
      master3.startApiServer();
      lb.exec("systemctl", "stop", "haproxy");
    }
  }

  @Test
  void kubeadmInitOverSshWritesTheCaAndAdminConfAndRegistersTheMaster() {
    bootstrap();
    SandboxHost master1 = sandbox.host("master1");

    String hash = master1.exec("bash", "-c", CA_HASH).requireSuccess().stdout().strip();
    assertThat(master1.exec("openssl", "x509", "-noout", "-subject", "-in", "/etc/kubernetes/pki/ca.crt").stdout())
        .contains("CN = kubernetes");
    assertThat(hash).matches("sha256:[0-9a-f]{64}");
    assertThat(master1.readFile("/etc/kubernetes/admin.conf"))
        .contains("server: https://198.18.4.31:6443", "insecure-skip-tls-verify: true", "token: ");
    assertThat(master1.readFile("/etc/kubernetes/kubelet.conf")).contains("system:node:master1");
    Node node = api.client().nodes().withName("master1").get();
    assertThat(node).as("master1 registered through its :6443").isNotNull();
    assertThat(node.getMetadata().getLabels()).containsKeys("node-role.kubernetes.io/control-plane")
        .containsEntry("kubernetes.io/hostname", "master1");
    assertThat(node.getSpec().getTaints()).extracting(t -> t.getKey() + ":" + t.getEffect())
        .containsExactly("node-role.kubernetes.io/control-plane:NoSchedule");
    assertThat(ready(node)).isTrue();
    assertThat(node.getStatus().getNodeInfo().getKubeletVersion()).isEqualTo("v1.34.2");
    assertThat(api.client().configMaps().inNamespace("kube-public").withName("cluster-info").get()).isNotNull();
    assertThat(master1.calls("kubeadm")).extracting(c -> String.join(" ", c.argv()))
        .contains("kubeadm init --config " + Bootstrap.KUBEADM_CONFIG + " --upload-certs");
  }

  @Test
  void aWorkerJoinsWithTheCapturedSecretsAndIsAReadyNode() {
    bootstrap();
    SandboxHost worker = sandbox.host("worker1");

    assertThat(bootstrap.ran()).contains("join-worker@worker1");
    assertThat(worker.readFile(Bootstrap.KUBEADM_JOIN)).doesNotContain("{{secret:").contains("198.18.4.31:6443");
    assertThat(worker.readFile("/etc/kubernetes/kubelet.conf")).contains("server: https://198.18.4.31:6443");
    Node node = api.client().nodes().withName("worker1").get();
    assertThat(node).isNotNull();
    assertThat(ready(node)).isTrue();
    assertThat(node.getStatus().getAddresses()).extracting(NodeAddress::getType, NodeAddress::getAddress)
        .contains(org.assertj.core.groups.Tuple.tuple("InternalIP", "198.18.4.41"));
    assertThat(node.getMetadata().getLabels()).doesNotContainKey("node-role.kubernetes.io/control-plane");
    assertThat(worker.calls("kubeadm")).last().satisfies(c -> assertThat(c.exitCode()).isZero());
  }

  @Test
  void theSdksClientReadsTheNodesWithAdminConfThroughTheBastion() {
    bootstrap();
    String adminConf = sandbox.host("master1").readFile("/etc/kubernetes/admin.conf");

    // as Cluster.apply() does: admin.conf, its server replaced by a forward through the bastion to the endpoint
    try (SshConnector connector = SshConnector.forSpec(spec(), Optional.empty(), new Redactor());
        LocalForward forward = connector.forward("198.18.4.31", 6443);
        KubernetesApi k8s = KubernetesApi.fromKubeconfig(adminConf, Optional.of("https://127.0.0.1:" + forward.localPort()))) {
      assertThat(k8s.client().nodes().list().getItems()).extracting(n -> n.getMetadata().getName())
          .contains("master1", "worker1");
    }
  }

  @Test
  void aMasterJoinsWithTheCertificateKeyGetsTheCaAndStartsItsApiServer() {
    bootstrap();
    SandboxHost master1 = sandbox.host("master1");
    SandboxHost master2 = sandbox.host("master2");
    master2.stopApiServer();
    String key = master1.exec("bash", "-c", "kubeadm init phase upload-certs --upload-certs --config "
        + Bootstrap.KUBEADM_CONFIG + " | tail -n 1").requireSuccess().stdout().strip();
    Map<String, String> secrets = Map.of(
        KubeadmConfig.JOIN_TOKEN, master1.exec("kubeadm", "token", "create", "--ttl", "2h0m0s").requireSuccess().stdout().strip(),
        KubeadmConfig.CA_CERT_HASH, master1.exec("bash", "-c", CA_HASH).requireSuccess().stdout().strip(),
        KubeadmConfig.CERTIFICATE_KEY, key);
    master2.writeFile(Bootstrap.KUBEADM_JOIN, Secrets.fill(KubeadmConfig.join(spec(), host("master2")), secrets));

    ExecResult join = OpenSsh.run(sandbox, master2, "kubeadm join --config " + Bootstrap.KUBEADM_JOIN);

    assertThat(key).matches("[0-9a-f]{64}");
    assertThat(join.exitCode()).as(join.stderr()).isZero();
    assertThat(join.stdout()).contains("a new control plane instance was created");
    assertThat(master2.readFile("/etc/kubernetes/pki/ca.crt")).isEqualTo(master1.readFile("/etc/kubernetes/pki/ca.crt"));
    assertThat(master2.apiServerRunning()).as("join started master2's API server").isTrue();
    assertThat(master2.exec("curl", "-sk", "https://198.18.4.32:6443/healthz").stdout()).isEqualTo("ok");
    Node node = api.client().nodes().withName("master2").get();
    assertThat(node.getMetadata().getLabels()).containsKey("node-role.kubernetes.io/control-plane");
    assertThat(ready(node)).isTrue();
  }

  @Test
  void aJoinConfigStillHoldingPlaceholdersIsRefused() {
    SandboxHost master3 = sandbox.host("master3");
    master3.writeFile(Bootstrap.KUBEADM_JOIN, KubeadmConfig.join(spec(), host("master3")));

    ExecResult join = OpenSsh.run(sandbox, master3, "kubeadm join --config " + Bootstrap.KUBEADM_JOIN);

    assertThat(join.exitCode()).isEqualTo(1);
    assertThat(join.stderr()).contains("still holds the secret placeholder(s)", "{{secret:join-token}}",
        "{{secret:ca-cert-hash}}", "{{secret:certificate-key}}", "the SDK did not fill in the secrets");
    assertThat(master3.exec("test", "-f", "/etc/kubernetes/kubelet.conf").exitCode()).isNotZero();
    assertThat(api.client().nodes().withName("master3").get()).isNull();
  }

  @Test
  void aJoinWithATokenTheClusterDoesNotKnowIsRefusedByTheApi() {
    bootstrap();
    SandboxHost master3 = sandbox.host("master3");
    Host asWorker = Host.builder().from(host("master3")).roles(Set.of(Role.WORKER)).build();
    String hash = sandbox.host("master1").exec("bash", "-c", CA_HASH).requireSuccess().stdout().strip();
    master3.writeFile("/root/join.yaml", Secrets.fill(KubeadmConfig.join(spec(), asWorker),
        Map.of(KubeadmConfig.JOIN_TOKEN, "abcdef.0123456789abcdef", KubeadmConfig.CA_CERT_HASH, hash)));
    master3.writeFile("/root/join-bad-hash.yaml", Secrets.fill(KubeadmConfig.join(spec(), asWorker),
        Map.of(KubeadmConfig.JOIN_TOKEN, "abcdef.0123456789abcdef", KubeadmConfig.CA_CERT_HASH, "sha256:" + "0".repeat(64))));

    ExecResult token = master3.exec("kubeadm", "join", "--config", "/root/join.yaml");
    ExecResult ca = master3.exec("kubeadm", "join", "--config", "/root/join-bad-hash.yaml");

    assertThat(token.exitCode()).isEqualTo(1);
    assertThat(token.stderr()).contains("token id \"abcdef\" is invalid for this cluster");
    assertThat(ca.exitCode()).isEqualTo(1);
    assertThat(ca.stderr()).contains("none of the public keys", "are pinned");
    assertThat(api.client().nodes().withName("master3").get()).isNull();
  }

  @Test
  void tokenCreateAndUploadCertsNeedKubeadmInitFirst() {
    SandboxHost master3 = sandbox.host("master3");

    ExecResult token = master3.exec("kubeadm", "token", "create", "--ttl", "2h0m0s");
    ExecResult certs = master3.exec("bash", "-c", "kubeadm init phase upload-certs --upload-certs --config "
        + Bootstrap.KUBEADM_CONFIG + " | tail -n 1; exit ${PIPESTATUS[0]}");

    assertThat(token.exitCode()).isEqualTo(1);
    assertThat(token.stdout()).isEmpty();
    assertThat(token.stderr()).contains("/etc/kubernetes/admin.conf: no such file or directory", "kubeadm init has not run on master3");
    assertThat(certs.exitCode()).isEqualTo(1);
    assertThat(certs.stderr()).contains("error execution phase upload-certs");
  }

  @Test
  void failNextStillFailsKubeadm() {
    SandboxHost master3 = sandbox.host("master3");
    master3.failNext("kubeadm", 1, 1);

    ExecResult failed = master3.exec("kubeadm", "init", "--config", Bootstrap.KUBEADM_CONFIG);
    ExecResult next = master3.exec("kubeadm", "version", "-o", "short");

    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.stderr()).contains("injected failure of kubeadm");
    assertThat(next.stdout()).isEqualTo("v1.34.2\n");
    assertThat(master3.exec("test", "-e", "/etc/kubernetes/admin.conf").exitCode()).isNotZero();
  }

  /** kubeadm init on master1, the join credentials and a worker join: the SDK's steps, once for the class. */
  private static synchronized void bootstrap() {
    if (bootstrap != null) {
      return;
    }
    SandboxBuild build = SandboxBuild.on(sandbox, "master1", "worker1");
    ClusterSpec spec = build.spec();
    Host master1 = spec.requireHost("master1");
    Step init = Step.builder().id(Bootstrap.initId(spec)).phase(Phase.CONTROL_PLANE).host("master1")
        .description("kubeadm init").addFiles(FileArtifact.of(Bootstrap.KUBEADM_CONFIG, KubeadmConfig.init(spec, master1), 0600))
        .addCommands("kubeadm init --config " + Bootstrap.KUBEADM_CONFIG + " --upload-certs")
        .check("test -f /etc/kubernetes/admin.conf").build();
    Step credentials = Step.builder().id(Bootstrap.credentialsId(spec)).phase(Phase.CONTROL_PLANE).host("master1")
        .description("join credentials").addDependsOn(init.id())
        .captures(Map.of(KubeadmConfig.JOIN_TOKEN, "kubeadm token create --ttl 2h0m0s", KubeadmConfig.CA_CERT_HASH, CA_HASH,
            Bootstrap.ADMIN_KUBECONFIG, "cat /etc/kubernetes/admin.conf")).build();
    Step join = Step.builder().id("join-worker@worker1").phase(Phase.JOIN_WORKERS).host("worker1")
        .description("kubeadm join").addDependsOn(credentials.id())
        .addFiles(FileArtifact.of(Bootstrap.KUBEADM_JOIN, KubeadmConfig.join(spec, spec.requireHost("worker1")), 0600))
        .addCommands("kubeadm join --config " + Bootstrap.KUBEADM_JOIN).check("test -f /etc/kubernetes/kubelet.conf").build();
    bootstrap = build.run(init, credentials, join);
  }

  /** Single master: master1 is the control-plane endpoint (no haproxy in this test). */
  private static ClusterSpec spec() {
    return SandboxBuild.on(sandbox, "master1", "worker1").spec();
  }

  private static Host host(String name) {
    return sandbox.inventory().hosts().stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
  }

  /** haproxy's status of a server of the kube-apiserver backend (UP, DOWN, ...), from its CSV statistics. */
  private static String status(SandboxHost lb, String server) {
    return lb.exec("curl", "-s", "--max-time", "2", "http://" + lb.privateIp() + ":8404/stats;csv").stdout().lines()
        .filter(l -> l.startsWith("kube-apiserver," + server + ",")).map(l -> l.split(",")[17]).findFirst().orElse("");
  }

  private static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  private static boolean ready(Node node) {
    return node.getStatus().getConditions().stream()
        .anyMatch((NodeCondition c) -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
