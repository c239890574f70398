package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.bootstrap.Bootstrap;
import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Secrets;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.Sandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 (secrets): a whole build through the bastion, with every logger at TRACE (sshj's packets,
 * fabric8's HTTP client, the SDK's commands and output). The build captures the admin kubeconfig
 * (a bearer token) and a join token from a master, writes the token into a file and a command on a
 * worker, and applies a Secret through the API. None of the three values reaches the log, in clear
 * or in base64. Runs in a child JVM: slf4j-simple reads its levels once, at start.
 */
class TraceLogSecretsTest {
  @TempDir Path tmp;

  /** The build at TRACE; args: state directory, bearer token, join token, Secret value. */
  public static void main(String[] args) throws Exception {
    try (MockApi api = MockApi.start();
         Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
             .host("master1", "198.18.4.31", Role.MASTER).host("worker1", "198.18.4.41", Role.WORKER)
             .apiServer(api.address()).build().start()) {
      sandbox.host("master1").writeFile("/root/admin.conf", api.kubeconfig().replace("mock-token", args[1]));
      sandbox.host("master1").writeFile("/root/token", args[2] + "\n");
      Cluster cluster = Cluster.singleMaster().name("traced").inventory(sandbox.inventory()).ssh(sandbox.ssh()).build();
      String token = Secrets.placeholder("join-token");
      Plan plan = new PlanBuilder()
          .add(Step.builder().id("creds@master1").phase(Phase.CONTROL_PLANE).host("master1").description("creds")
              .putCaptures(Bootstrap.ADMIN_KUBECONFIG, "cat /root/admin.conf")
              .putCaptures("join-token", "cat /root/token").build())
          .add(Step.builder().id("use@worker1").phase(Phase.JOIN_WORKERS).host("worker1").description("use")
              .addDependsOn("creds@master1")
              .addFiles(FileArtifact.of("/etc/kubesmith/token", token + "\n", 0600))
              .addCommands("echo joining with " + token + " >&2", "grep -q " + token + " /etc/kubesmith/token").build())
          .add(Step.builder().id("secret").phase(Phase.ADDONS).description("a Secret").addDependsOn("use@worker1")
              .addManifests(Manifest.of("secret", "apiVersion: v1\nkind: Secret\nmetadata: {name: traced, namespace: default}\n"
                  + "stringData: {password: " + args[3] + "}\n")).build())
          .build(cluster.spec());
      System.out.println("ran " + cluster.run(plan, ApplyOptions.defaults().stateDirectory(Path.of(args[0]))).ran());
      // the test's own client, with fabric8's wire log: after the line above, outside what is checked
      System.out.println("secret stored: " + (api.client().secrets().inNamespace("default").withName("traced").get() != null));
    }
  }

  @Test
  void noSecretReachesALogWithEveryLoggerAtTrace() throws Exception {
    String bearer = "bearer-" + Long.toHexString(System.nanoTime()) + "a1b2c3";
    String join = "abcdef.0123456789" + Long.toHexString(System.nanoTime() % 0xfffff);
    String password = "pw-" + Long.toHexString(System.nanoTime()) + "-z9";
    Path output = tmp.resolve("trace.log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace",
        "-Dorg.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.http.HttpLoggingInterceptor=trace",
        // the test's own mock API server logs what it stores: it is the test's, not the SDK's
        "-Dorg.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.server.mock=info",
        "-Dorg.slf4j.simpleLogger.log.io.fabric8.mockwebserver=info",
        TraceLogSecretsTest.class.getName(), tmp.resolve("state").toString(), bearer, join, password)
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    boolean finished = p.waitFor(180, TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly();
    }
    String log = Files.readString(output, StandardCharsets.UTF_8);

    assertThat(finished).as("the traced build finished").isTrue();
    assertThat(p.exitValue()).as(tail(log)).isZero();
    assertThat(log).contains("ran [creds@master1, use@worker1, secret]", "secret stored: true");
    // the build's log: what comes after is the test's own check, whose client logs the Secret it reads
    log = log.substring(0, log.indexOf("ran [creds@master1"));
    assertThat(log.lines().filter(l -> l.contains(" TRACE ")).count()).as("lines logged at TRACE").isGreaterThan(10);
    assertThat(log).as("the commands at DEBUG, the secret masked").contains("worker1$ echo joining with *** >&2");
    for (String secret : List.of(bearer, join, password)) {
      assertThat(log).as("the log holds no secret").doesNotContain(secret)
          .doesNotContain(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
    }
    assertThat(log).doesNotContain("Authorization: Bearer");
  }

  private static String tail(String log) {
    return log.length() < 4000 ? log : log.substring(log.length() - 4000);
  }
}
