package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.upstream.UpstreamMirror;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubesmith plan}: single-master, invalid input, mirror failures and the output directory. */
class PlanCommandTest {
  @TempDir
  Path tmp;

  private CliRun planClusterA(Path out, String... extra) {
    String[] base = {"plan", "--inventory", CliRun.sample("clustera_hosts").toString(),
        "--mirror", CliRun.mirror().toString(), "--out", out.toString()};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return CliRun.of(args);
  }

  @Test
  void plansSingleMasterClusterBWithoutAVip() throws IOException {
    Path out = tmp.resolve("clusterb");

    CliRun run = CliRun.of("plan", "--inventory", CliRun.sample("clusterb_hosts").toString(),
        "--mirror", CliRun.mirror().toString(), "--out", out.toString());

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(Files.readString(out.resolve("plan.json"))).contains("\"topology\" : \"SINGLE_MASTER\"");
    assertThat(out.resolve("hosts/master1/etc/kubernetes/kubeadm-config.yaml")).isRegularFile();
    assertThat(out.resolve("cluster/calico.yaml")).isRegularFile();
    assertThat(out.resolve("hosts")).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith("lb"));
    assertThat(run.out()).contains("SINGLE_MASTER");
  }

  @Test
  void reportsEveryProblemOnePerLineExitsOneAndCreatesNoOutputDirectory() {
    Path out = tmp.resolve("never");

    CliRun run = planClusterA(out, "--vip", "192.168.4.100",
        "--pod-cidr", "192.168.0.0/16", "--service-cidr", "10.96.0.0/33");

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.errLines()).hasSize(2)
        .anySatisfy(l -> assertThat(l).contains("--pod-cidr", "192.168.0.0/16", "overlaps", "192.168.4.0/24"))
        .anySatisfy(l -> assertThat(l).contains("--service-cidr", "10.96.0.0/33"));
    assertThat(run.out()).isEmpty();
    assertThat(out).doesNotExist();
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void haInventoryWithoutVipGetsTheValidatorsMissingVipProblem() {
    Path out = tmp.resolve("never");

    CliRun run = planClusterA(out);

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.errLines()).singleElement().asString().contains("--vip", "is missing", "set --vip <free address");
    assertThat(out).doesNotExist();
  }

  @Test
  void vipOnASingleMasterClusterIsRejectedNotIgnored() {
    CliRun run = CliRun.of("plan", "--inventory", CliRun.sample("clusterb_hosts").toString(),
        "--vip", "10.20.0.100", "--mirror", CliRun.mirror().toString(), "--out", tmp.resolve("never").toString());

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.err()).contains("--vip = 10.20.0.100", "single-master");
  }

  @Test
  void missingInventoryFileIsNamedAndNothingIsWritten() {
    Path missing = tmp.resolve("no_such_hosts");
    Path out = tmp.resolve("never");

    CliRun run = CliRun.of("plan", "--inventory", missing.toString(), "--vip", "192.168.4.100",
        "--mirror", CliRun.mirror().toString(), "--out", out.toString());

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.errLines()).singleElement().asString().contains("--inventory", missing.toString(), "no such file");
    assertThat(out).doesNotExist();
  }

  @Test
  void unparsableInventoryLinesAreAllReported() throws IOException {
    Path hosts = Files.writeString(tmp.resolve("bad_hosts"),
        "192.168.4.31 master1 master\n192.168.4.32 master2 cook\n192.168.4.41 worker1 chef\n");

    CliRun run = CliRun.of("plan", "--inventory", hosts.toString(),
        "--mirror", CliRun.mirror().toString(), "--out", tmp.resolve("never").toString());

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.errLines()).hasSizeGreaterThanOrEqualTo(2)
        .anySatisfy(l -> assertThat(l).contains("line 2", "cook"))
        .anySatisfy(l -> assertThat(l).contains("line 3", "chef"));
    assertThat(tmp.resolve("never")).doesNotExist();
  }

  @Test
  void mirrorWithoutCalicoExitsThreeNamingTheMirrorAndWritesNothing() throws IOException {
    Path emptyMirror = Files.createDirectory(tmp.resolve("empty-mirror"));
    Path out = tmp.resolve("never");

    CliRun run = CliRun.of("plan", "--inventory", CliRun.sample("clustera_hosts").toString(),
        "--vip", "192.168.4.100", "--mirror", emptyMirror.toString(), "--out", out.toString());

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.UPSTREAM_OR_IO);
    assertThat(run.errLines()).singleElement().asString().contains(emptyMirror.toString(), "calico");
    assertThat(out).doesNotExist();
  }

  @Test
  void mirrorThatIsNotADirectoryIsReportedAlongWithSpecProblems() {
    Path nowhere = tmp.resolve("no-mirror-here");

    CliRun run = CliRun.of("plan", "--inventory", CliRun.sample("clustera_hosts").toString(),
        "--mirror", nowhere.toString(), "--out", tmp.resolve("never").toString());

    assertThat(run.exitCode()).as("invalid input outranks the mirror").isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.errLines()).hasSize(2)
        .anySatisfy(l -> assertThat(l).contains("mirror " + nowhere, "no such directory"))
        .anySatisfy(l -> assertThat(l).contains("--vip: is missing"));
  }

  @Test
  void withoutMirrorOptionTheMirrorComesFromTheSystemProperty() throws IOException {
    Path emptyMirror = Files.createDirectory(tmp.resolve("property-mirror"));
    String before = System.getProperty(UpstreamMirror.PROPERTY);
    System.setProperty(UpstreamMirror.PROPERTY, emptyMirror.toString());
    try {
      CliRun run = CliRun.of("plan", "--inventory", CliRun.sample("clusterb_hosts").toString(),
          "--out", tmp.resolve("never").toString());

      assertThat(run.exitCode()).isEqualTo(KubesmithCli.UPSTREAM_OR_IO);
      assertThat(run.err()).contains(emptyMirror.toString());
    } finally {
      if (before == null) {
        System.clearProperty(UpstreamMirror.PROPERTY);
      } else {
        System.setProperty(UpstreamMirror.PROPERTY, before);
      }
    }
  }

  @Test
  void replacesAnEarlierPlanInTheSameDirectory() throws IOException {
    Path out = tmp.resolve("plan");
    assertThat(planClusterA(out, "--vip", "192.168.4.100").exitCode()).isZero();

    CliRun again = planClusterA(out, "--vip", "192.168.4.101");

    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(Files.readString(out.resolve("hosts/master1/etc/kubernetes/kubeadm-config.yaml")))
        .contains("192.168.4.101:6443");
  }

  @Test
  void keepsAUserFileInAnEarlierPlanAndRefusesToReplaceIt() throws IOException {
    Path out = tmp.resolve("plan");
    assertThat(planClusterA(out, "--vip", "192.168.4.100").exitCode()).isZero();
    Files.writeString(out.resolve("notes.txt"), "mine");

    CliRun again = planClusterA(out, "--vip", "192.168.4.101");

    assertThat(again.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(again.errLines()).singleElement().asString().contains("--out " + out, "notes.txt", "not written by kubesmith");
    assertThat(out.resolve("notes.txt")).hasContent("mine");
    assertThat(Files.readString(out.resolve("hosts/master1/etc/kubernetes/kubeadm-config.yaml")))
        .contains("192.168.4.100:6443");
  }

  @Test
  void refusesANonEmptyDirectoryThatHoldsNoPlanAndLeavesItAlone() throws IOException {
    Path out = Files.createDirectory(tmp.resolve("precious"));
    Files.writeString(out.resolve("notes.txt"), "mine");

    CliRun run = planClusterA(out, "--vip", "192.168.4.100");

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.errLines()).singleElement().asString().contains("--out", "not empty");
    assertThat(out).isDirectoryContaining(p -> p.getFileName().toString().equals("notes.txt"));
    assertThat(out.resolve("plan.json")).doesNotExist();
  }

  @Test
  void unknownOptionIsAUsageErrorWithExitTwo() {
    CliRun run = planClusterA(tmp.resolve("never"), "--vip", "192.168.4.100", "--pod-cidrs", "10.0.0.0/16");

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.USAGE);
    assertThat(run.err()).contains("--pod-cidrs", "kubesmith plan --help");
    assertThat(tmp.resolve("never")).doesNotExist();
  }

  @Test
  void missingRequiredOptionsAreAUsageError() {
    CliRun run = CliRun.of("plan", "--vip", "192.168.4.100");
    // --inventory or --spec: one of them, checked after parsing (SpecOptionTest.neitherInventoryNorSpecIsAUsageError)
    CliRun withOut = CliRun.of("plan", "--vip", "192.168.4.100", "--out", "unused-out");

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.USAGE);
    assertThat(run.err()).contains("--out");
    assertThat(withOut.exitCode()).isEqualTo(KubesmithCli.USAGE);
    assertThat(withOut.err()).contains("--inventory FILE", "--spec FILE");
  }
}
