package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.addons.ingress.Traefik;
import dev.kubesmith.addons.logging.Logging;
import dev.kubesmith.addons.monitoring.KubePrometheus;
import dev.kubesmith.addons.storage.RookCeph;
import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.Sandbox;
import dev.kubesmith.testkit.StandInControllers;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 5 end to end: Cluster.ha() with rook-ceph, Traefik, kube-prometheus and logging on the
 * sandbox (bastion, two load balancers with real haproxy/keepalived, three masters, three workers;
 * kubeadm stubbed, the API a CRUD mock behind each master's :6443 with stand-in controllers marking
 * CRDs Established and workloads ready). Every addon object goes through the real path: SSH
 * forward over the bastion, the VIP, haproxy, a master. Then a re-run, and Traefik moved to workers:
 * the load balancers follow.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaClusterWithAddonsApplyTest {
  static final String VIP = HaSandbox.VIP;
  static final String DOMAIN = "apps.e2e.test";
  static MockApi api;
  static StandInControllers controllers;
  static Sandbox sandbox;
  static Path state;

  @BeforeAll
  static void start() throws Exception {
    api = MockApi.start();
    controllers = StandInControllers.onEvents(api.client());
    sandbox = HaSandbox.builder(api).build().start();
    state = Files.createTempDirectory("ks-e2e-addons");
  }

  @AfterAll
  static void stop() {
    if (sandbox != null) {
      sandbox.close();
    }
    if (controllers != null) {
      controllers.close();
    }
    if (api != null) {
      api.close();
    }
  }

  static Cluster cluster(Traefik traefik) {
    return cluster(traefik, Logging.efk().domain(DOMAIN), KubePrometheus.defaults().domain(DOMAIN));
  }

  static Cluster cluster(Traefik traefik, Logging logging, KubePrometheus monitoring) {
    return Cluster.ha().name("e2e-addons").inventory(sandbox.inventory()).vip(VIP).publicVip(HaSandbox.PUBLIC_VIP)
        .ssh(sandbox.ssh())
        .addons(logging, monitoring, traefik.domain(DOMAIN), RookCeph.defaults())
        .build();
  }

  static ApplyOptions options() {
    return ApplyOptions.defaults().stateDirectory(state);
  }

  static List<GenericKubernetesResource> custom(String apiVersion, String kind, String namespace) {
    return api.client().genericKubernetesResources(apiVersion, kind).inNamespace(namespace).list().getItems();
  }

  /** The ingress servers the running haproxy on a load balancer knows, from its stats page. */
  static List<String> ingressServers(String lbIp) {
    String csv = sandbox.host("bastion").exec("curl", "-sf", "http://" + lbIp + ":8404/stats;csv").stdout();
    return csv.lines().filter(l -> l.startsWith("ingress-https,")).map(l -> l.split(",")[1])
        .filter(s -> !s.equals("BACKEND") && !s.equals("FRONTEND")).sorted().toList();
  }

  @Test
  @Order(1)
  void buildsTheHaClusterWithStorageIngressMonitoringAndLogging() throws Exception {
    Logging logging = Logging.efk().domain(DOMAIN);
    KubePrometheus monitoring = KubePrometheus.defaults().domain(DOMAIN);
    BuildResult result = cluster(Traefik.defaults(), logging, monitoring).apply(options());

    assertThat(result.ran()).contains("rook-ceph-crds", "traefik", "kube-prometheus-setup", "logging")
        .containsSubsequence("calico", "rook-ceph-crds", "kube-prometheus-setup");
    assertThat(custom("ceph.rook.io/v1", "CephCluster", "rook-ceph")).singleElement()
        .satisfies(c -> assertThat(c.get("spec", "mon", "count").toString()).isEqualTo("3"));
    assertThat(custom("ceph.rook.io/v1", "CephBlockPool", "rook-ceph")).extracting(c -> c.getMetadata().getName())
        .containsExactly("replicapool");
    assertThat(api.client().storage().v1().storageClasses().withName("rook-ceph-block").get().getMetadata().getAnnotations())
        .containsEntry("storageclass.kubernetes.io/is-default-class", "true");
    assertThat(custom("monitoring.coreos.com/v1", "Prometheus", "monitoring")).singleElement()
        .satisfies(p -> assertThat(p.get("spec", "replicas").toString()).isEqualTo("2"));
    assertThat(custom("traefik.io/v1alpha1", "IngressRoute", "monitoring")).isNotEmpty();
    assertThat(api.client().apps().statefulSets().inNamespace("logging").list().getItems()).isNotEmpty();
    assertThat(api.client().apps().daemonSets().inNamespace("traefik").withName("traefik").get()).isNotNull();
    assertThat(ingressServers("198.18.4.21")).containsExactly("master1", "master2", "master3");
    List<String> passwords = new java.util.ArrayList<>(logging.basicAuth().orElseThrow().generatedPasswords().values());
    passwords.addAll(monitoring.basicAuth().orElseThrow().generatedPasswords().values());
    assertThat(passwords).hasSize(2).allSatisfy(p -> assertThat(p).isNotBlank());
    StateFiles.assertHoldNone(state, passwords);
  }

  @Test
  @Order(2)
  void reRunningChangesNothing() {
    BuildResult again = cluster(Traefik.defaults()).apply(options());

    assertThat(again.ran()).as("only the facts and the step that reads join secrets run every time")
        .filteredOn(id -> !id.startsWith("facts@")).containsExactly("join-credentials@master1");
  }

  @Test
  @Order(3)
  void movingTraefikToWorkersMovesTheLoadBalancersIngressBackendsAndReloadsHaproxy() {
    int reloadsBefore = haproxyReloads("lb1");

    BuildResult moved = cluster(Traefik.defaults().onNodes("worker1", "worker2")).apply(options());

    assertThat(moved.ran()).filteredOn(id -> !id.startsWith("facts@")).containsExactlyInAnyOrder("join-credentials@master1", "load-balancer@lb1", "load-balancer@lb2",
        "traefik");
    assertThat(sandbox.host("lb1").readFile("/etc/haproxy/haproxy.cfg")).contains("server worker1 198.18.4.41:443 check")
        .doesNotContain("server master1 198.18.4.31:443");
    assertThat(haproxyReloads("lb1")).isGreaterThan(reloadsBefore);
    assertThat(ingressServers("198.18.4.21")).containsExactly("worker1", "worker2");
    assertThat(ingressServers("198.18.4.22")).containsExactly("worker1", "worker2");
    assertThat(api.client().apps().daemonSets().inNamespace("traefik").withName("traefik").get()
        .getSpec().getTemplate().getSpec().getAffinity().getNodeAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms().get(0).getMatchExpressions().get(0)
        .getValues()).containsExactly("worker1", "worker2");
  }

  static int haproxyReloads(String lb) {
    return (int) sandbox.host(lb).calls("systemctl").stream()
        .filter(c -> c.argv().contains("reload-or-restart") && c.argv().contains("haproxy")).count();
  }
}
