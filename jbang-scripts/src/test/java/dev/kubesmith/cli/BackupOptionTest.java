package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.backup.etcd.EtcdSnapshots;
import dev.kubesmith.backup.nfs.NfsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --backup} and {@code --schedule} of {@code plan} and {@code apply} (samples/clustera_hosts has nfs1). */
class BackupOptionTest {
  private static final String DAILY = "name=test-daily,cron=@daily,namespaces=test,ttl=168h";

  @TempDir
  Path tmp;

  private static CliRun plan(String inventory, Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("plan", "--inventory", CliRun.sample(inventory).toString(),
        "--mirror", CliRun.mirror().toString(), "--out", out.toString()));
    if (inventory.equals("clustera_hosts")) {
      args.addAll(List.of("--vip", "192.168.4.100", "--public-vip", "203.0.113.100"));
    }
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(String[]::new));
  }

  @Test
  void planWithVeleroPutsTheNfsHostsFilesUnderItsHostAndVeleroUnderCluster() throws IOException {
    Path out = tmp.resolve("clustera");

    CliRun run = plan("clustera_hosts", out, "--backup", "velero", "--schedule", DAILY,
        "--schedule", "name=all-weekly,cron=0 3 * * 0");

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(Files.readString(out.resolve("hosts/nfs1" + NfsServer.EXPORTS_FILE)))
        .contains("192.168.4.0/24", NfsServer.EXPORT_OPTIONS);
    assertThat(out.resolve("hosts/master1" + EtcdSnapshots.SCRIPT)).isRegularFile();
    assertThat(out.resolve("hosts/worker1" + EtcdSnapshots.SCRIPT)).doesNotExist();
    for (String manifest : List.of("minio", "minio-bucket", "velero", "velero-storage-location", "velero-schedules")) {
      assertThat(out.resolve("cluster/" + manifest + ".yaml")).as(manifest).isRegularFile();
    }
    assertThat(out.resolve("hosts/nfs1/cluster")).doesNotExist();
    String schedules = Files.readString(out.resolve("cluster/velero-schedules.yaml"));
    assertThat(schedules).contains("kind: \"Schedule\"", "name: \"test-daily\"", "schedule: \"@daily\"",
        "ttl: \"168h0m0s\"", "- \"test\"", "name: \"all-weekly\"", "schedule: \"0 3 * * 0\"");
    assertThat(Files.readString(out.resolve("plan.md"))).contains("nfs-server@nfs1", "velero-schedules");
  }

  @Test
  void theAliasBackupIsVeleroAndScheduleIsOptional() {
    CliRun run = plan("clustera_hosts", tmp.resolve("plan"), "--backup", "backup");

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(tmp.resolve("plan/cluster/velero.yaml")).isRegularFile();
    assertThat(tmp.resolve("plan/cluster/velero-schedules.yaml")).doesNotExist();
  }

  @Test
  void anUnknownBackupKindNamesTheOptionAndTheFixAndWritesNothing() {
    CliRun run = plan("clustera_hosts", tmp.resolve("never"), "--backup", "restic");

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.errLines()).containsExactly("error: --backup: restic is not known; write --backup velero");
    assertThat(run.out()).isEmpty();
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void aBadScheduleNamesTheKeyAndAnExample() {
    CliRun noCron = plan("clustera_hosts", tmp.resolve("never"), "--backup", "velero", "--schedule", "name=x");
    CliRun badTtl = plan("clustera_hosts", tmp.resolve("never"), "--backup", "velero", "--schedule",
        "name=x,cron=@daily,ttl=soon");
    CliRun twice = plan("clustera_hosts", tmp.resolve("never"), "--backup", "velero", "--schedule", DAILY,
        "--schedule", DAILY);

    assertThat(noCron.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(noCron.errLines()).singleElement().asString()
        .startsWith("error: --schedule: 'name=x' has no cron").contains("write e.g. name=test-daily,cron=@daily");
    assertThat(badTtl.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(badTtl.errLines()).singleElement().asString().startsWith("error: --schedule: ")
        .contains("ttl 'soon' is not a duration");
    assertThat(twice.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(twice.errLines()).singleElement().asString().startsWith("error: --schedule: ")
        .contains("test-daily is added twice", "give each schedule its own name");
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void aScheduleWithoutBackupIsAnError() {
    CliRun run = plan("clustera_hosts", tmp.resolve("never"), "--schedule", DAILY);

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.errLines()).containsExactly(
        "error: --schedule: needs a backup to schedule; add --backup velero, or drop --schedule");
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void anInventoryWithoutAnNfsHostIsNamedWithTheLineToAdd() {
    CliRun run = plan("clusterb_hosts", tmp.resolve("never"), "--backup", "velero", "--schedule", DAILY);

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.errLines()).singleElement().asString()
        .startsWith("error: --backup velero: the inventory " + CliRun.sample("clusterb_hosts") + " has no host with role nfs")
        .contains("nfs1 nfs");
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void aTempCopyOfClusterBWithAnNfsHostPlansTheBackup() throws IOException {
    Path hosts = Files.writeString(tmp.resolve("clusterb_with_nfs"),
        Files.readString(CliRun.sample("clusterb_hosts")) + "10.20.0.50   nfs1   nfs\n");
    Path out = tmp.resolve("plan");

    CliRun run = CliRun.of("plan", "--inventory", hosts.toString(), "--mirror", CliRun.mirror().toString(),
        "--out", out.toString(), "--backup", "velero");

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(Files.readString(out.resolve("hosts/nfs1" + NfsServer.EXPORTS_FILE))).contains("10.20.0.0/24");
  }

  @Test
  void applyRejectsABadScheduleBeforeContactingAnyHost() {
    CliRun run = CliRun.of("apply", "--inventory", CliRun.sample("clustera_hosts").toString(),
        "--vip", "192.168.4.100", "--mirror", CliRun.mirror().toString(), "--state-dir", tmp.resolve("state").toString(),
        "--backup", "velero", "--schedule", "name=x,cron=61 * * * *");

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.errLines()).singleElement().asString().startsWith("error: --schedule: ");
    assertThat(run.out()).isEmpty();
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void helpOfPlanAndApplyListsBackupAndSchedule() {
    for (String command : List.of("plan", "apply")) {
      CliRun run = CliRun.of(command, "--help");

      assertThat(run.exitCode()).as(command).isZero();
      assertThat(run.out()).as(command).contains("--backup=KIND", "--schedule=name=NAME,cron=CRON", "hosts/<nfs host>/");
    }
  }
}
