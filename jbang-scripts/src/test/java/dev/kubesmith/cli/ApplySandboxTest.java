package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubesmith apply} end to end, in process through {@link KubesmithCli#run}, against a
 * single-master sandbox (bastion, master1, worker1) with a mock API server. Needs root (CI is root).
 */
class ApplySandboxTest {
  private static final Pattern SUMMARY = Pattern.compile(
      "(?m)^applied: (\\d+) steps ran, (\\d+) already done in \\d+\\.\\d s; admin\\.conf: (.+)$");

  @TempDir
  Path tmp;

  private static Sandbox sandbox(MockApi api) {
    return Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
        .host("master1", "198.18.4.31", "198.18.100.31", Role.MASTER)
        .host("worker1", "198.18.4.41", Role.WORKER)
        .apiServer(api.address()).build().start();
  }

  /** The sandbox's hosts in the hosts-file format; the bastion's public IP is the one this JVM reaches. */
  private Path inventoryFile(Sandbox sandbox) throws IOException {
    StringBuilder sb = new StringBuilder("# the sandbox, written by ApplySandboxTest\n");
    for (Host h : sandbox.inventory().hosts()) {
      sb.append(h.privateIp()).append(' ').append(h.name()).append(' ')
          .append(h.roles().stream().map(Role::label).sorted().collect(Collectors.joining(",")))
          .append(h.publicIp().map(p -> " public=" + p).orElse("")).append('\n');
    }
    return Files.writeString(tmp.resolve("sandbox_hosts"), sb.toString());
  }

  private static CliRun apply(Sandbox sandbox, Path inventory, Path state) {
    return CliRun.of("apply", "--inventory", inventory.toString(),
        "--ssh-key", sandbox.clientKey().toString(), "--known-hosts", sandbox.knownHosts().toString(),
        "--mirror", CliRun.mirror().toString(), "--state-dir", state.toString(), "--plain");
  }

  private static CliRun status(Sandbox sandbox, Path inventory, Path state, String... ssh) {
    List<String> args = new java.util.ArrayList<>(List.of("status", "--inventory", inventory.toString(),
        "--known-hosts", sandbox.knownHosts().toString(), "--state-dir", state.toString()));
    args.addAll(List.of(ssh));
    return CliRun.of(args.toArray(String[]::new));
  }

  /** The key, encrypted with a passphrase (same key pair, so the hosts still accept it). */
  private Path encryptedCopy(Path key, String passphrase) throws IOException {
    Path copy = tmp.resolve("id_encrypted");
    Files.copy(key, copy);
    try {
      Process p = new ProcessBuilder("ssh-keygen", "-q", "-p", "-P", "", "-N", passphrase, "-f", copy.toString())
          .redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(p.waitFor()).as("ssh-keygen -p: " + output).isZero();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    assertThat(Files.readString(copy)).contains("OPENSSH PRIVATE KEY");
    return copy;
  }

  private static List<String> linesStartingWith(CliRun run, String prefix) {
    return run.out().lines().filter(l -> l.startsWith(prefix)).toList();
  }

  @Test
  void buildsTheClusterThenASecondRunFindsEveryStepDoneButTheJoinCredentials() throws IOException {
    Path state = tmp.resolve("state");
    try (MockApi api = MockApi.start(); Sandbox sandbox = sandbox(api)) {
      Path inventory = inventoryFile(sandbox);

      CliRun first = apply(sandbox, inventory, state);

      assertThat(first.err()).isEmpty();
      assertThat(first.exitCode()).isZero();
      assertThat(first.out()).contains("started kubeadm-init@master1 (master1)\n",
          "started join-worker@worker1 (worker1)\n", "started calico (Kubernetes API)\n");
      assertThat(first.out()).containsPattern("(?m)^done kubeadm-init@master1 in \\d+\\.\\ds$")
          .containsPattern("(?m)^done join-worker@worker1 in \\d+\\.\\ds$")
          .containsPattern("(?m)^done calico in \\d+\\.\\ds$");
      assertThat(first.out().lines().toList()).allMatch(l -> l.matches("(started|done|skipped|retry) .+|applied: .+"));
      Matcher m1 = SUMMARY.matcher(first.out());
      assertThat(m1.find()).isTrue();
      assertThat(m1.group(3)).isEqualTo(state.resolve("admin.conf").toString());
      assertThat(state.resolve("admin.conf")).isRegularFile();
      int ran1 = Integer.parseInt(m1.group(1));
      int skipped1 = Integer.parseInt(m1.group(2));
      assertThat(linesStartingWith(first, "done ")).hasSize(ran1);
      assertThat(ran1).isGreaterThan(5);
      assertThat(api.client().nodes().list().getItems()).extracting(n -> n.getMetadata().getName())
          .containsExactlyInAnyOrder("master1", "worker1");

      CliRun status = status(sandbox, inventory, state, "--ssh-key", sandbox.clientKey().toString());

      assertThat(status.err()).isEmpty();
      assertThat(status.exitCode()).isZero();
      assertThat(status.out()).startsWith("cluster kubesmith (SINGLE_MASTER)\nnodes: 2 of 2 Ready\n")
          .containsPattern("(?m)^  master1 +Ready +control-plane +v1\\.34\\.2 +198\\.18\\.4\\.31$")
          .containsPattern("(?m)^  worker1 +Ready +\\S+ +v1\\.34\\.2 +198\\.18\\.4\\.41$")
          .containsPattern("(?m)^  rook-ceph +absent$").containsPattern("(?m)^  traefik +absent$")
          .containsPattern("(?m)^API server certificate: expires \\S+ \\(in \\d+ days\\), .+$")
          .endsWith("healthy\n").doesNotContain("VIP");

      // The same, with the client key encrypted and its passphrase from a file; --addons must be there.
      Path encrypted = encryptedCopy(sandbox.clientKey(), "correct horse");
      Path passphrase = Files.writeString(tmp.resolve("passphrase"), "correct horse\n");
      CliRun missingAddon = status(sandbox, inventory, state, "--ssh-key", encrypted.toString(),
          "--key-passphrase-file", passphrase.toString(), "--addons", "rook-ceph");

      assertThat(missingAddon.exitCode()).isEqualTo(KubesmithCli.NOT_HEALTHY);
      assertThat(missingAddon.out()).contains("nodes: 2 of 2 Ready", "1 problem:\n  - addon rook-ceph (named in "
          + "--addons) is absent");

      CliRun second = apply(sandbox, inventory, state);

      assertThat(second.err()).isEmpty();
      assertThat(second.exitCode()).isZero();
      // every host's facts are read on every apply; of the rest only the join credentials run again
      int facts = sandbox.hosts().size();
      assertThat(linesStartingWith(second, "started ")).filteredOn(l -> !l.startsWith("started facts@"))
          .containsExactly("started join-credentials@master1 (master1)");
      assertThat(linesStartingWith(second, "done ")).filteredOn(l -> !l.startsWith("done facts@")).singleElement()
          .asString().startsWith("done join-credentials@master1 in ");
      assertThat(linesStartingWith(second, "done facts@")).hasSize(facts);
      assertThat(linesStartingWith(second, "skipped ")).hasSize(ran1 + skipped1 - 1 - facts)
          .allMatch(l -> l.endsWith(" (done in an earlier build (journal))"))
          .contains("skipped kubeadm-init@master1 (done in an earlier build (journal))", "skipped calico "
              + "(done in an earlier build (journal))");
      Matcher m2 = SUMMARY.matcher(second.out());
      assertThat(m2.find()).isTrue();
      assertThat(m2.group(1)).isEqualTo(String.valueOf(1 + facts));
      assertThat(Integer.parseInt(m2.group(2))).isEqualTo(ran1 + skipped1 - 1 - facts);
    }
  }

  @Test
  void aFailedStepExitsFiveNamingItAndRunningAgainResumes() throws IOException {
    Path state = tmp.resolve("state");
    try (MockApi api = MockApi.start(); Sandbox sandbox = sandbox(api)) {
      Path inventory = inventoryFile(sandbox);
      sandbox.host("worker1").failNext("kubeadm", 1, 1, "boom");

      CliRun failed = apply(sandbox, inventory, state);

      assertThat(failed.exitCode()).isEqualTo(KubesmithCli.BUILD_FAILED);
      assertThat(failed.err()).contains("error: build failed: step join-worker@worker1 failed on worker1", "kubeadm",
          "exited 1", "boom", "running the same command again resumes");
      assertThat(failed.out()).contains("failed join-worker@worker1: step join-worker@worker1 failed on worker1")
          .doesNotContain("applied:");

      CliRun again = apply(sandbox, inventory, state);

      assertThat(again.err()).isEmpty();
      assertThat(again.exitCode()).isZero();
      assertThat(again.out()).contains("skipped kubeadm-init@master1 (done in an earlier build (journal))\n",
          "started join-worker@worker1 (worker1)\n", "applied: ");
      assertThat(again.out()).containsPattern("(?m)^done join-worker@worker1 in ");
      assertThat(api.client().nodes().list().getItems()).extracting(n -> n.getMetadata().getName())
          .containsExactlyInAnyOrder("master1", "worker1");
    }
  }
}
