package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.exec.BuildListener;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.Call;
import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.Sandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 (faults): a whole single-master apply while a worker's dpkg lock is held (apt-get exits
 * 100 twice, as when unattended-upgrades runs) and the API server answers the DaemonSet apply
 * with 503 and a ConfigMap apply with 429 and Retry-After. The build finishes; exactly the
 * steps that met a fault were retried, and a re-run redoes nothing.
 */
class WholeApplyFaultsTest {
  @Test
  void aBuildFinishesThroughADpkgLockAnApi503AndA429AndTheReRunRedoesNothing(@TempDir Path state) {
    try (MockApi api = MockApi.start();
         Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
             .host("master1", "198.18.4.31", Role.MASTER).host("worker1", "198.18.4.41", Role.WORKER)
             .apiServer(api.address()).build().start()) {
      sandbox.host("worker1").failNext("apt-get", 2, 100,
          "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (unattended-upgr)");
      api.failNext("PATCH", "/apis/apps/v1/namespaces/kube-system/daemonsets", 503, 1, 0);
      api.failNext("PATCH", "/api/v1/namespaces/kube-system/configmaps", 429, 1, 1);
      Map<String, AtomicInteger> retried = new ConcurrentHashMap<>();
      BuildListener count = new BuildListener() {
        @Override
        public void stepRetried(Step step, int attempt, Duration wait, Throwable error) {
          retried.computeIfAbsent(step.id(), k -> new AtomicInteger()).incrementAndGet();
        }
      };
      Cluster cluster = Cluster.singleMaster().name("faulty").inventory(sandbox.inventory()).ssh(sandbox.ssh()).build();

      BuildResult first = cluster.apply(ApplyOptions.defaults().stateDirectory(state).listener(count));

      assertThat(first.ran()).contains("prepare@worker1", "kubeadm-init@master1", "calico", "join-worker@worker1", "nodes");
      assertThat(api.failedRequests()).hasSize(2);
      assertThat(retried).containsOnlyKeys("prepare@worker1", "calico");
      assertThat(retried.get("prepare@worker1")).hasValue(2);
      List<Integer> aptExits = sandbox.host("worker1").calls("apt-get").stream().map(Call::exitCode).toList();
      assertThat(aptExits).startsWith(100, 100).contains(0);
      assertThat(api.client().apps().daemonSets().inNamespace("kube-system").withName("calico-node").get()).isNotNull();
      System.out.println("e2e faults: retried " + retried + "; the API answered " + api.failedRequests());

      BuildResult again = cluster.apply(ApplyOptions.defaults().stateDirectory(state));

      assertThat(again.ran()).filteredOn(id -> !id.startsWith("facts@")).containsExactly("join-credentials@master1");
    }
  }
}
