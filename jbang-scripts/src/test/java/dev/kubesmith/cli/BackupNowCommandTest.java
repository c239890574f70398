package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.testkit.MockApi;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubesmith backup now}: its options and errors, and the backup against the CRUD mock API, where
 * the test plays Velero's part by setting the created Backup's {@code status.phase}.
 */
class BackupNowCommandTest {
  private static final ResourceDefinitionContext BACKUPS = new ResourceDefinitionContext.Builder()
      .withGroup("velero.io").withVersion("v1").withKind("Backup").withPlural("backups").withNamespaced(true).build();

  @TempDir
  Path tmp;

  private Path kubeconfig(String text) throws IOException {
    return Files.writeString(tmp.resolve("admin.conf"), text);
  }

  /** Waits for the Backup the CLI creates, then gives it the status Velero would. */
  private static GenericKubernetesResource finish(MockApi api, String name, Map<String, Object> status)
      throws InterruptedException {
    var backups = api.client().genericKubernetesResources(BACKUPS).inNamespace("velero");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    GenericKubernetesResource created;
    while ((created = backups.withName(name).get()) == null) {
      assertThat(System.nanoTime()).as("Backup velero/" + name + " created").isLessThan(deadline);
      Thread.sleep(50);
    }
    backups.withName(name).edit(r -> {
      r.getAdditionalProperties().put("status", status);
      return r;
    });
    return created;
  }

  @Test
  void aCompletedBackupIsExitZeroWithItsPhaseAndTheRequestedSpec() throws Exception {
    try (MockApi api = MockApi.start()) {
      Path config = kubeconfig(api.kubeconfig());
      CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.of("backup", "now", "--kubeconfig",
          config.toString(), "--name", "before-upgrade", "--include-namespaces", "test,shop", "--ttl", "168h",
          "--wait", "20s"));

      GenericKubernetesResource created = finish(api, "before-upgrade", Map.of("phase", "Completed",
          "progress", Map.of("itemsBackedUp", 42, "totalItems", 42), "expiration", "2026-12-03T02:00:00Z"));
      CliRun done = run.get(30, TimeUnit.SECONDS);

      assertThat(done.err()).isEmpty();
      assertThat(done.exitCode()).isZero();
      assertThat(done.out()).isEqualTo("creating backup before-upgrade (namespaces test, shop, ttl 168h0m0s); waiting "
          + "up to 0h0m20s for Velero\nbackup before-upgrade: Completed (42 items, expires 2026-12-03T02:00:00Z)\n");
      @SuppressWarnings("unchecked")
      Map<String, Object> spec = (Map<String, Object>) created.getAdditionalProperties().get("spec");
      assertThat(spec).containsEntry("includedNamespaces", List.of("test", "shop")).containsEntry("ttl", "168h0m0s")
          .containsEntry("storageLocation", "default");
    }
  }

  @Test
  void aFailedBackupIsExitFiveWithVelerosReason() throws Exception {
    try (MockApi api = MockApi.start()) {
      Path config = kubeconfig(api.kubeconfig());
      CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.of("backup", "now", "--kubeconfig",
          config.toString(), "--name", "nightly-1", "--wait", "20s"));

      GenericKubernetesResource created = finish(api, "nightly-1", Map.of("phase", "Failed",
          "failureReason", "unable to get backup store: bucket velero does not exist"));
      CliRun done = run.get(30, TimeUnit.SECONDS);

      assertThat(done.exitCode()).isEqualTo(KubesmithCli.BUILD_FAILED);
      assertThat(done.out()).endsWith("backup nightly-1: Failed\n").contains("(all namespaces, ttl 720h0m0s)");
      assertThat(done.errLines()).singleElement().asString()
          .startsWith("error: Backup velero/nightly-1 ended Failed; failure reason: unable to get backup store: bucket "
              + "velero does not exist;");
      assertThat(created.getAdditionalProperties().get("spec").toString()).doesNotContain("includedNamespaces");
    }
  }

  @Test
  void theDefaultNameIsKubesmithAndTheUtcTime() throws Exception {
    try (MockApi api = MockApi.start()) {
      Path config = kubeconfig(api.kubeconfig());

      // nobody plays Velero: the wait ends after a second with the last phase
      CliRun run = CliRun.of("backup", "now", "--kubeconfig", config.toString(), "--wait", "1s");

      List<GenericKubernetesResource> backups = api.client().genericKubernetesResources(BACKUPS).inNamespace("velero")
          .list().getItems();
      assertThat(backups).singleElement().satisfies(b ->
          assertThat(b.getMetadata().getName()).matches("kubesmith-20\\d{6}-\\d{6}"));
      assertThat(run.exitCode()).isEqualTo(KubesmithCli.BUILD_FAILED);
      assertThat(run.err()).contains("did not finish within 1 s (last phase none: is the Velero server running?)");
    }
  }

  @Test
  void anUnreachableApiServerIsExitEight() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Path config = kubeconfig("""
        apiVersion: v1
        kind: Config
        clusters:
        - name: gone
          cluster: {server: "https://127.0.0.1:%d", insecure-skip-tls-verify: true}
        users:
        - name: admin
          user: {token: t}
        contexts:
        - name: admin@gone
          context: {cluster: gone, user: admin}
        current-context: admin@gone
        """.formatted(closed));

    CliRun run = CliRun.of("backup", "now", "--kubeconfig", config.toString(), "--wait", "5s");

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.UNREACHABLE);
    assertThat(run.errLines()).singleElement().asString()
        .startsWith("error: the API server https://127.0.0.1:" + closed + " did not answer: ")
        .containsIgnoringCase("connection refused").contains("check that kube-apiserver runs");
  }

  @Test
  void everyBadValueIsNamedWithItsFixAndNothingIsContacted() throws IOException {
    Path config = kubeconfig("not: a kubeconfig\n");

    CliRun run = CliRun.of("backup", "now", "--kubeconfig", config.toString(), "--name", "Before Upgrade",
        "--include-namespaces", "test,Shop", "--ttl", "a week", "--wait", "0s");

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.errLines()).containsExactly(
        "error: --name 'Before Upgrade': is not a DNS label (lower-case letters, digits and '-', at most 63); write e.g. "
            + "kubesmith-before-upgrade",
        "error: --include-namespaces 'Shop': is not a DNS label (lower-case letters, digits and '-', at most 63); write "
            + "e.g. test",
        "error: --ttl 'a week': is not a duration; write e.g. 168h, 7d or 90m",
        "error: --wait '0s': is not a duration; write e.g. 30m, 2h or 20s",
        "error: --kubeconfig " + config + ": is not a kubeconfig with a current context and a server; give the "
            + "admin.conf that 'kubesmith apply' wrote");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void withoutAdminConfOrWithAMissingInventoryItSaysWhatToGive() {
    CliRun noState = CliRun.of("backup", "now", "--state-dir", tmp.toString());
    CliRun noInventory = CliRun.of("backup", "now", "--inventory", tmp.resolve("hosts").toString(),
        "--state-dir", tmp.toString());

    assertThat(noState.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(noState.errLines()).singleElement().asString()
        .contains("admin.conf " + tmp.resolve("admin.conf"), "run 'kubesmith apply' first", "--kubeconfig");
    assertThat(noInventory.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(noInventory.errLines()).hasSize(2).first().asString()
        .contains("--inventory " + tmp.resolve("hosts") + ": no such readable file");
  }

  @Test
  void aBastionWithoutInventoryIsNamedWithTheFix() throws IOException {
    CliRun run = CliRun.of("backup", "now", "--bastion", "bastion", "--kubeconfig", kubeconfig("x").toString());

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.errLines()).first().asString()
        .isEqualTo("error: --bastion bastion: needs --inventory FILE, the hosts the API server is among; add "
            + "--inventory, or drop --bastion to reach the kubeconfig's server directly");
  }

  @Test
  void stateDirAndKubeconfigTogetherAreAUsageError() throws IOException {
    CliRun run = CliRun.of("backup", "now", "--state-dir", tmp.toString(), "--kubeconfig", kubeconfig("x").toString());

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.USAGE);
    assertThat(run.errLines()).containsExactly("error: --state-dir and --kubeconfig: give one of them, not both");
  }

  @Test
  void helpListsTheOptionsAndExitCodesAndBackupAloneIsAUsageError() {
    CliRun help = CliRun.of("backup", "now", "--help");
    CliRun group = CliRun.of("backup");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("Usage: kubesmith backup now", "--name=NAME", "--include-namespaces=NS",
        "--ttl=DURATION", "Default: 720h", "--wait=DURATION", "Default: 30m", "--kubeconfig=FILE", "--state-dir=DIR",
        "--inventory=FILE", "--ssh-key=FILE", "Exit codes:")
        .containsPattern("(?m)^\\s+5\\s+the backup ended Failed or PartiallyFailed")
        .containsPattern("(?m)^\\s+8\\s+the API server could not be reached");
    assertThat(group.exitCode()).isEqualTo(KubesmithCli.USAGE);
    assertThat(group.err()).contains("missing command: choose one of now");
    assertThat(CliRun.of("--help").out()).contains("backup", "etcd-snapshot");
  }
}
