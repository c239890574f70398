package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.addons.ingress.Traefik;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.cluster.Ssh;
import dev.kubesmith.spec.Inventory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code AddWorker.java}, compiled here from its source and run in-process (the JBang run is
 * AddWorkerScriptSandboxTest): it plans from the built cluster's full spec in the state directory.
 */
class AddWorkerScriptTest {
  @TempDir
  Path tmp;

  record Run(int exitCode, String out, String err) {}

  private Run addWorker(String... args) throws Exception {
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    int javac = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-proc:none", "-nowarn", "-classpath",
        System.getProperty("java.class.path"), "-d", classes.toString(),
        CliRun.repoRoot().resolve("jbang-scripts/AddWorker.java").toString());
    assertThat(javac).isZero();
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      var ctor = loader.loadClass("AddWorker").getDeclaredConstructor();
      ctor.setAccessible(true);
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = new CommandLine(ctor.newInstance()).execute(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void plansTheNewWorkerFromTheBuiltSpecKeepingThePublicVip() throws Exception {
    Path state = Files.createDirectories(tmp.resolve("state"));
    Cluster built = Cluster.ha().inventory(Inventory.load(CliRun.sample("clustera_hosts"))).name("clustera")
        .vip("192.168.4.100").publicVip("203.0.113.100").ssh(Ssh.user("ops")).addons(Traefik.defaults()).build();
    Files.writeString(state.resolve("spec.yaml"), built.spec().toYaml());
    Path plan = tmp.resolve("plan");

    Run run = addWorker("--state-dir", state.toString(), "--name", "worker9", "--ip", "192.168.4.49",
        "--mirror", CliRun.mirror().toString(), "--plan", plan.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(Files.readString(plan.resolve("hosts/lb1/etc/keepalived/keepalived.conf"))).contains("203.0.113.100");
    assertThat(Files.readString(plan.resolve("plan.md")).toLowerCase(Locale.ROOT)).contains("join-worker@worker9");
    assertThat(Files.readString(plan.resolve("plan.json"))).contains("\"cluster\" : \"clustera\"").contains("traefik");
  }

  @Test
  void withoutTheSpecOfABuiltClusterItSaysToApplyFirst() throws Exception {
    Path state = Files.createDirectories(tmp.resolve("state"));

    Run run = addWorker("--state-dir", state.toString(), "--name", "worker9", "--ip", "192.168.4.49");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: " + state.resolve("spec.yaml") + ": no spec of a built cluster; apply "
        + "the cluster first (every apply writes it), or give --state-dir the state directory of that apply\n");
  }

  @Test
  void aNameOrIpTheClusterHasIsRefused() throws Exception {
    Path state = Files.createDirectories(tmp.resolve("state"));
    Files.writeString(state.resolve("spec.yaml"), Cluster.singleMaster()
        .inventory(Inventory.load(CliRun.sample("clusterb_hosts"))).build().spec().toYaml());
    String worker = Inventory.load(CliRun.sample("clusterb_hosts")).hosts().stream()
        .filter(h -> h.has(dev.kubesmith.spec.Role.WORKER)).findFirst().orElseThrow().privateIp();

    Run run = addWorker("--state-dir", state.toString(), "--name", "worker9", "--ip", worker);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("the cluster already has");
    assertThat(List.of(run.out())).containsExactly("");
  }
}
