package dev.kubesmith.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.Sandbox;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EmbeddedService} running a real build in the background on a single-master sandbox
 * (bastion, master1, worker1, mock API server), watched through its HTTP API. Needs root (CI is root).
 */
class EmbeddedServiceSandboxTest {
  @TempDir
  Path tmp;

  @Test
  void aBuildRunsInTheBackgroundAndReportsItsProgress() throws Exception {
    try (MockApi api = MockApi.start();
        Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
            .host("master1", "198.18.4.31", Role.MASTER).host("worker1", "198.18.4.41", Role.WORKER)
            .apiServer(api.address()).build().start();
        EmbeddedService service = EmbeddedService.start(0,
            () -> Cluster.singleMaster().inventory(sandbox.inventory()).ssh(sandbox.ssh()).build(),
            () -> ApplyOptions.defaults().stateDirectory(tmp.resolve("state")))) {

      String json = EmbeddedService.postAndWait(service.port(), Duration.ofMinutes(3));

      BuildJob job = service.job("1").orElseThrow();
      assertThat(job.state()).as(json).isEqualTo(BuildJob.State.SUCCEEDED);
      assertThat(job.total()).isGreaterThan(5);
      assertThat(job.done()).isEqualTo(job.total());
      assertThat(job.events()).contains("started kubeadm-init@master1", "done kubeadm-init@master1",
          "done join-worker@worker1", "done calico");
      assertThat(job.events().indexOf("started kubeadm-init@master1"))
          .isLessThan(job.events().indexOf("done kubeadm-init@master1"));
      assertThat(json).contains("\"state\":\"SUCCEEDED\"", "\"done\":" + job.total(), "\"done join-worker@worker1\"");
      assertThat(tmp.resolve("state/admin.conf")).isRegularFile();
      assertThat(api.client().nodes().list().getItems()).extracting(n -> n.getMetadata().getName())
          .containsExactlyInAnyOrder("master1", "worker1");
    }
  }
}
