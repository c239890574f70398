package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.backup.etcd.EtcdSnapshots;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.Sandbox;
import dev.kubesmith.testkit.SandboxHost;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubesmith etcd-snapshot} and {@code backup now} over SSH through the bastion, on a sandbox of a
 * bastion and one master (needs root; CI is root). The master runs a tiny stand-in for
 * {@link EtcdSnapshots#SCRIPT} that writes a file and prints its path: this tests the command (finding
 * the master, running the one-off step through the executor over the bastion, reading the path back,
 * the exit codes), while the real script against a real etcd 3.4 with TLS, and its copy to the NFS
 * host, are tested in sdk-backup's {@code EtcdSandboxTest}. The master's :6443 forwards to a mock API,
 * where the test plays Velero's part for {@code backup now}.
 */
class EtcdSnapshotSandboxTest {
  private static final String STAND_IN = """
      #!/bin/sh
      # stand-in for kubesmith's etcd-snapshot.sh (see EtcdSnapshotSandboxTest)
      set -e
      f=%s/etcd-$(hostname -s)-standin.db
      mkdir -p %s
      echo "not really a snapshot" > "$f"
      echo "noise on stderr" >&2
      echo "$f"
      """.formatted(EtcdSnapshots.SNAPSHOT_DIR, EtcdSnapshots.SNAPSHOT_DIR);

  private static MockApi api;
  private static Sandbox sandbox;
  private static Path inventory;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void startTheSandbox() throws IOException {
    api = MockApi.start();
    sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
        .host("master1", "198.18.4.31", Role.MASTER)
        .apiServer(api.address()).build().start();
    StringBuilder sb = new StringBuilder("# the sandbox, written by EtcdSnapshotSandboxTest\n");
    for (Host h : sandbox.inventory().hosts()) {
      sb.append(h.privateIp()).append(' ').append(h.name()).append(' ')
          .append(h.roles().stream().map(Role::label).sorted().collect(Collectors.joining(",")))
          .append(h.publicIp().map(p -> " public=" + p).orElse("")).append('\n');
    }
    inventory = Files.writeString(tmp.resolve("sandbox_hosts"), sb.toString());
  }

  @AfterAll
  static void stopTheSandbox() {
    try {
      if (sandbox != null) {
        sandbox.close();
      }
    } finally {
      if (api != null) {
        api.close();
      }
    }
  }

  private static SandboxHost master() {
    return sandbox.host("master1");
  }

  private static CliRun withSsh(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--inventory", inventory.toString(), "--ssh-key", sandbox.clientKey().toString(),
        "--known-hosts", sandbox.knownHosts().toString()));
    return CliRun.of(all.toArray(String[]::new));
  }

  private static void installScript(String content) {
    master().writeFile(EtcdSnapshots.SCRIPT, content);
    assertThat(master().exec("chmod", "0755", EtcdSnapshots.SCRIPT).exitCode()).isZero();
  }

  @Test
  void takesASnapshotOnTheFirstMasterThroughTheBastionAndPrintsItsPath() {
    installScript(STAND_IN);
    String path = EtcdSnapshots.SNAPSHOT_DIR + "/etcd-master1-standin.db";

    CliRun run = withSsh("etcd-snapshot", "--mirror", CliRun.mirror().toString());

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo("taking an etcd snapshot on master1 (" + EtcdSnapshots.SCRIPT + ")\n"
        + "etcd snapshot on master1: " + path + "\n");
    assertThat(master().readFile(path)).isEqualTo("not really a snapshot\n");
  }

  @Test
  void aFailingScriptIsExitFiveWithTheHostCommandAndStderr() {
    installScript("#!/bin/sh\necho 'Error: context deadline exceeded' >&2\nexit 3\n");

    CliRun run = withSsh("etcd-snapshot", "--master", "master1", "--mirror", CliRun.mirror().toString());

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.BUILD_FAILED);
    assertThat(run.errLines()).first().asString().startsWith("error: the etcd snapshot failed: ")
        .contains("etcd-snapshot-now@master1", "master1", EtcdSnapshots.SCRIPT, "3");
    assertThat(run.err()).contains("Error: context deadline exceeded");
    assertThat(run.out()).doesNotContain("etcd snapshot on master1:");
  }

  @Test
  void withoutTheScriptItSaysToApplyWithBackupFirst() {
    assertThat(master().exec("rm", "-f", EtcdSnapshots.SCRIPT).exitCode()).isZero();

    CliRun run = withSsh("etcd-snapshot", "--mirror", CliRun.mirror().toString());

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.BUILD_FAILED);
    assertThat(run.err()).startsWith("error: the etcd snapshot failed: ")
        .contains("the etcd snapshot script is not installed on master1: apply with --backup velero first");
  }

  @Test
  void anUnreachableMasterIsExitEight() {
    installScript(STAND_IN);
    master().refuseConnections();
    try {
      CliRun run = withSsh("etcd-snapshot", "--mirror", CliRun.mirror().toString());

      assertThat(run.exitCode()).isEqualTo(KubesmithCli.UNREACHABLE);
      assertThat(run.errLines()).first().asString().startsWith("error: master1 could not be reached over SSH: ");
    } finally {
      master().acceptConnections();
    }
  }

  @Test
  void anUnknownMasterIsNamedWithTheChoices() {
    CliRun run = withSsh("etcd-snapshot", "--master", "master9", "--mirror", CliRun.mirror().toString());

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.errLines()).containsExactly(
        "error: --master master9: is not a master of the inventory; choose one of [master1]");
  }

  @Test
  void backupNowReachesTheApiThroughAnSshForwardOverTheBastion() throws Exception {
    master().startApiServer();
    Path kubeconfig = Files.writeString(tmp.resolve("admin.conf"),
        api.kubeconfig().replace(api.url(), "https://198.18.4.31:6443"));
    ResourceDefinitionContext backups = new ResourceDefinitionContext.Builder().withGroup("velero.io").withVersion("v1")
        .withKind("Backup").withPlural("backups").withNamespaced(true).build();

    CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> withSsh("backup", "now", "--kubeconfig",
        kubeconfig.toString(), "--name", "via-bastion", "--wait", "20s"));
    var created = api.client().genericKubernetesResources(backups).inNamespace("velero").withName("via-bastion");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (created.get() == null) {
      assertThat(System.nanoTime()).as("Backup velero/via-bastion created").isLessThan(deadline);
      Thread.sleep(50);
    }
    created.edit(r -> {
      r.getAdditionalProperties().put("status", Map.of("phase", "Completed"));
      return r;
    });
    CliRun done = run.get(30, TimeUnit.SECONDS);

    assertThat(done.err()).isEmpty();
    assertThat(done.exitCode()).isZero();
    assertThat(done.out()).endsWith("backup via-bastion: Completed\n");
  }
}
