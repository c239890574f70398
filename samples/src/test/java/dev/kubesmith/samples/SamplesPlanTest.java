package dev.kubesmith.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every sample in plan mode against the sample inventories and the offline mirror (the system
 * property kubesmith.upstream.mirror, set by the build): the plan is written, no host touched.
 */
class SamplesPlanTest {
  @TempDir
  Path tmp;

  /** One run of a sample's {@code run(out, err, args)}. */
  record Run(int exitCode, String out, String err) {}

  interface Sample {
    int run(PrintStream out, PrintStream err, String... args);
  }

  static Run run(Sample sample, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = sample.run(o, e, args);
    }
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void singleMasterClusterPlansClusterB() throws IOException {
    Path out = tmp.resolve("clusterb");

    Run run = run(SingleMasterCluster::run, "--plan-only", out.toString());

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(Files.readString(out.resolve("plan.json"))).contains("\"topology\" : \"SINGLE_MASTER\"", "clusterb");
    assertThat(out.resolve("hosts/master1/etc/kubernetes/kubeadm-config.yaml")).isRegularFile();
    assertThat(run.out()).contains("planned", out.toString());
  }

  @Test
  void haClusterPlansClusterAWithTheLoadBalancersAndEveryAddon() throws IOException {
    Path out = tmp.resolve("clustera");

    Run run = run(HaCluster::run, "--plan-only", out.toString());

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(Files.readString(out.resolve("plan.json"))).contains("\"topology\" : \"HA\"");
    assertThat(out.resolve("hosts/lb1/etc/haproxy/haproxy.cfg")).isRegularFile();
    assertThat(out.resolve("cluster/rook-ceph-cluster.yaml")).isRegularFile();
    assertThat(out.resolve("cluster/traefik.yaml")).isRegularFile();
    assertThat(out.resolve("cluster/kube-prometheus-prometheus-prometheus.yaml")).isRegularFile();
    assertThat(Files.readString(out.resolve("plan.md"))).contains("*.example.com", "logging");
  }

  @Test
  void addonsOnExistingClusterPlansOnlyTheAddonsSteps() throws IOException {
    Path out = tmp.resolve("addons");

    Run run = run(AddonsOnExistingCluster::run, "--plan-only", out.toString());

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(out.resolve("cluster/rook-ceph-operator.yaml")).isRegularFile();
    assertThat(out.resolve("cluster/traefik.yaml")).isRegularFile();
    assertThat(out.resolve("hosts")).doesNotExist();
    String plan = Files.readString(out.resolve("plan.json"));
    assertThat(plan).contains("rook-ceph-operator", "kube-prometheus-setup")
        .doesNotContain("kubeadm-init", "calico", "prepare@");
  }

  @Test
  void embeddedServiceRunsAPlanJobThroughItsHttpApi() throws IOException {
    Path out = tmp.resolve("service");

    Run run = run(EmbeddedService::run, "--plan-only", out.toString());

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("{\"id\":\"1\",\"state\":\"SUCCEEDED\"").contains("\"events\":[\"planned ",
        "written to " + out);
    assertThat(out.resolve("plan.json")).isRegularFile();
  }

  @Test
  void helpListsTheOptionsAndExitCodes() {
    for (Sample s : new Sample[] {SingleMasterCluster::run, HaCluster::run, AddonsOnExistingCluster::run,
        EmbeddedService::run}) {
      Run run = run(s, "--help");
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).startsWith("Usage: ").contains("--plan-only", "--inventory", "--mirror", "Exit codes:");
    }
  }

  @Test
  void badInputNamesTheOptionAndTheFix() {
    Run unknown = run(SingleMasterCluster::run, "--plan", "x");
    Run noInventory = run(HaCluster::run, "--inventory", tmp.resolve("nope").toString(), "--plan-only",
        tmp.resolve("o").toString());
    Run noKubeconfig = run(AddonsOnExistingCluster::run);
    Run badVip = run(HaCluster::run, "--vip", "10.9.9.9", "--plan-only", tmp.resolve("o").toString());

    assertThat(unknown.exitCode()).isEqualTo(SampleRun.USAGE);
    assertThat(unknown.err()).contains("unknown option '--plan'", "--plan-only");
    assertThat(noInventory.exitCode()).isEqualTo(SampleRun.INVALID_INPUT);
    assertThat(noInventory.err()).contains("--inventory " + tmp.resolve("nope") + ": no such file");
    assertThat(noKubeconfig.exitCode()).isEqualTo(SampleRun.INVALID_INPUT);
    assertThat(noKubeconfig.err()).contains("--kubeconfig is missing", "--plan-only");
    assertThat(badVip.exitCode()).isEqualTo(SampleRun.INVALID_INPUT);
    assertThat(badVip.err()).contains("10.9.9.9");
    assertThat(tmp.resolve("o")).doesNotExist();
  }
}
