package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.cluster.Ssh;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.Sandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

      Script run = jbang("AddWorker.java", "--inventory", inventory.toString(), "--name", "worker2",
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

  record Script(int exitCode, String out, String err) {}

  /** The local repository of the Maven build running the tests (set by the pom for surefire). */
  static String mavenRepository() {
    String repo = System.getProperty("kubesmith.test.maven.repo");
    if (repo == null || repo.isBlank() || repo.contains("${")) {
      throw new IllegalStateException("the system property kubesmith.test.maven.repo is not set; run the test with "
          + "Maven (jbang-scripts/pom.xml sets it to the build's local repository)");
    }
    return repo;
  }

  /** Runs {@code jbang-scripts/jbang jbang-scripts/SCRIPT args} from the repository root. */
  static Script jbang(String script, String... args) throws IOException, InterruptedException {
    Path root = CliRun.repoRoot();
    List<String> command = new java.util.ArrayList<>(List.of("bash", "jbang-scripts/jbang", "jbang-scripts/" + script));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("jbang-out", ".txt");
    Path err = Files.createTempFile("jbang-err", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().put("KUBESMITH_SDK_INSTALL", "never");
      // The repository this Maven build uses, explicitly: JBang's default follows $HOME, Maven's the
      // Java user.home, and they differ when HOME is not the user's home directory.
      pb.environment().put("KUBESMITH_MAVEN_REPO", mavenRepository());
      Process p = pb.start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("jbang " + script + " did not finish in 5 minutes; stderr: " + Files.readString(err));
      }
      return new Script(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
