package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.Sandbox;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 4: the single-master variant, API through the bastion straight to the master. */
class SingleMasterApplyTest {
  @Test
  void buildsASingleMasterClusterAndReRunsWithoutChanges(@TempDir Path state) {
    try (MockApi api = MockApi.start();
         Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
             .host("master1", "198.18.4.31", "198.18.100.31", Role.MASTER)
             .host("worker1", "198.18.4.41", Role.WORKER).host("worker2", "198.18.4.42", Role.WORKER)
             .apiServer(api.address()).build().start()) {
      Cluster cluster = Cluster.singleMaster().name("single").inventory(sandbox.inventory()).ssh(sandbox.ssh()).build();

      BuildResult first = cluster.apply(ApplyOptions.defaults().stateDirectory(state));
      BuildResult second = cluster.apply(ApplyOptions.defaults().stateDirectory(state));

      assertThat(first.ran()).contains("kubeadm-init@master1", "calico", "join-worker@worker1", "join-worker@worker2", "nodes")
          .noneMatch(id -> id.startsWith("load-balancer@"));
      assertThat(api.client().nodes().list().getItems()).extracting(n -> n.getMetadata().getName())
          .containsExactlyInAnyOrder("master1", "worker1", "worker2");
      assertThat(sandbox.host("master1").readFile("/etc/kubernetes/kubeadm-config.yaml"))
          .contains("controlPlaneEndpoint: 198.18.4.31:6443");
      // facts are read on every apply; of the rest only the credentials (secrets, never journaled) run again
      assertThat(second.ran()).filteredOn(id -> !id.startsWith("facts@")).containsExactly("join-credentials@master1");
      assertThat(second.ran()).filteredOn(id -> id.startsWith("facts@")).hasSize(4);
    }
  }

  /**
   * The same build as an image's default user with passwordless sudo (issue 12: the whole builds run
   * as root and as ops): every command through sudo -n, every upload through the non-root path, the
   * cluster lock taken through sudo; the files land owned by root, and a re-run changes nothing.
   */
  @Test
  void buildsItAsASudoUserAndReRunsWithoutChanges(@TempDir Path state) {
    try (MockApi api = MockApi.start();
         Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
             .host("master1", "198.18.4.31", Role.MASTER).host("worker1", "198.18.4.41", Role.WORKER)
             .apiServer(api.address()).build().start()) {
      for (String h : java.util.List.of("bastion", "master1", "worker1")) {
        sandbox.host(h).addSudoUser("ops");
      }
      dev.kubesmith.cluster.Ssh ops = dev.kubesmith.cluster.Ssh.user("ops").privateKey(sandbox.clientKey())
          .knownHosts(sandbox.knownHosts()).bastion("bastion");
      Cluster cluster = Cluster.singleMaster().name("single-ops").inventory(sandbox.inventory()).ssh(ops).build();

      BuildResult first = cluster.apply(ApplyOptions.defaults().stateDirectory(state));
      BuildResult second = cluster.apply(ApplyOptions.defaults().stateDirectory(state));

      assertThat(first.ran()).contains("prepare@master1", "firewall@worker1", "kubeadm-init@master1", "calico",
          "join-worker@worker1", "nodes");
      assertThat(api.client().nodes().list().getItems()).extracting(n -> n.getMetadata().getName())
          .containsExactlyInAnyOrder("master1", "worker1");
      assertThat(sandbox.host("master1").exec("stat", "-c", "%U %a", "/etc/kubernetes/kubeadm-config.yaml").stdout().strip())
          .as("uploaded through sudo, owned by root, 0600").isEqualTo("root 600");
      assertThat(second.ran()).filteredOn(id -> !id.startsWith("facts@")).containsExactly("join-credentials@master1");
    }
  }
}
