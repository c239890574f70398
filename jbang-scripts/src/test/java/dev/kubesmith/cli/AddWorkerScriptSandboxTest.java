package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.cluster.Ssh;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JBang script {@code AddWorker.java}, run through the real wrapper ({@code jbang-scripts/jbang},
 * JBang from Maven Central, the SDK from the local Maven repository) as a separate process, adds a
 * worker to a single-master cluster that {@code kubesmith apply} built on the sandbox. Needs root.
 * The wrapper is told to use the artifacts this build installed ({@code KUBESMITH_SDK_INSTALL=never}),
 * so the test never starts a nested Maven build.
 */
class AddWorkerScriptSandboxTest {
  @TempDir
  Path tmp;

  @Test
  void addsAWorkerToABuiltClusterThroughJBang() throws Exception {
    Path state = tmp.resolve("state");
    try (MockApi api = MockApi.start();
        Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
            .host("master1", "198.18.4.31", Role.MASTER).host("worker1", "198.18.4.41", Role.WORKER)
            .host("worker2", "198.18.4.42", Role.WORKER).apiServer(api.address()).build().start()) {
      // The cluster as built: worker2 is up but not in the inventory yet.
      Path inventory = Files.writeString(tmp.resolve("hosts"), "198.18.4.10 bastion bastion public="
          + sandbox.bastionAddress() + "\n198.18.4.31 master1 master\n198.18.4.41 worker1 worker\n");
      CliRun built = CliRun.of("apply", "--inventory", inventory.toString(), "--ssh-key", sandbox.clientKey().toString(),
          "--known-hosts", sandbox.knownHosts().toString(), "--mirror", CliRun.mirror().toString(),
          "--state-dir", state.toString(), "--plain");
      assertThat(built.exitCode()).as(built.err()).isZero();
      // apply writes the built cluster's full spec to <state dir>/spec.yaml (the core-exec change); until
      // that is merged, write what it would write.
      if (!Files.exists(state.resolve("spec.yaml"))) {
        Files.writeString(state.resolve("spec.yaml"), Cluster.singleMaster().inventory(Inventory.load(inventory))
            .ssh(Ssh.root().privateKey(sandbox.clientKey()).knownHosts(sandbox.knownHosts())).build().spec().toYaml());
      }

      JBangRun run = JBangRun.of("AddWorker.java", "--inventory", inventory.toString(), "--name", "worker2",
          "--ip", "198.18.4.42", "--ssh-key", sandbox.clientKey().toString(), "--known-hosts",
          sandbox.knownHosts().toString(), "--mirror", CliRun.mirror().toString(), "--state-dir", state.toString());

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out()).contains("done join-worker@worker2\n").containsPattern("worker2 joined: \\d+ steps ran")
          .doesNotContain("done kubeadm-init@master1", "done join-worker@worker1");
      assertThat(Files.readString(inventory)).endsWith("198.18.4.41 worker1 worker\n198.18.4.42 worker2 worker\n");
      assertThat(api.client().nodes().list().getItems()).extracting(n -> n.getMetadata().getName())
          .containsExactlyInAnyOrder("master1", "worker1", "worker2");
    }
  }
}
