package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.bootstrap.Bootstrap;
import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.exec.BuildListener;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.Sandbox;
import dev.kubesmith.testkit.SandboxBuild;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11: the API client and its SSH forward follow the bastion connection when it is made again. */
class BastionDropTest {
  private static Step configMap(String name, String... deps) {
    return Step.builder().id(name).phase(Phase.ADDONS).description(name).addDependsOn(deps)
        .addManifests(Manifest.of(name, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name
            + ", namespace: default}\ndata: {k: v}\n")).build();
  }

  @Test
  void apiStepsAfterTheBastionConnectionDiedGoThroughANewForward(@TempDir Path state) throws Exception {
    try (MockApi api = MockApi.start();
         Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
             .host("master1", "198.18.4.31", Role.MASTER).apiServer(api.address()).build().start()) {
      sandbox.host("master1").writeFile("/root/admin.conf", api.kubeconfig());
      Cluster cluster = Cluster.singleMaster().name("drop").inventory(sandbox.inventory()).ssh(sandbox.ssh()).build();
      Plan plan = new PlanBuilder()
          .add(Step.builder().id("creds@master1").phase(Phase.CONTROL_PLANE).host("master1").description("creds")
              .putCaptures(Bootstrap.ADMIN_KUBECONFIG, "cat /root/admin.conf").build())
          .add(configMap("before", "creds@master1"))
          .add(Step.builder().id("drop@master1").phase(Phase.ADDONS).host("master1").description("drop")
              .addDependsOn("before").addCommands("true").build())
          .add(configMap("after", "drop@master1"))
          .build(cluster.spec());
      java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();
      BuildListener killBastionSessions = new BuildListener() {
        @Override
        public void stepStarted(Step step) {
          // stepStarted fires on every attempt: kill once, on the first, and let the retry reconnect
          if (step.id().equals("drop@master1") && killed.compareAndSet(false, true)) {
            killSshSessions(sandbox);
          }
        }
      };

      BuildResult r = cluster.run(plan, ApplyOptions.defaults().stateDirectory(state).listener(killBastionSessions)
          .retries(SandboxBuild.QUICK_RETRIES));

      assertThat(killed).isTrue();
      assertThat(r.ran()).contains("before", "drop@master1", "after");
      assertThat(api.client().configMaps().inNamespace("default").withName("after").get()).isNotNull();
    }
  }

  /** Kills, by PID, the bastion's sshd processes of the established connections on port 22. */
  private static void killSshSessions(Sandbox sandbox) {
    // under a loaded machine the session may still be coming up: look for up to 10 s
    String ss = "";
    List<String> pids = new java.util.ArrayList<>();
    for (long end = System.nanoTime() + 10_000_000_000L; pids.isEmpty() && System.nanoTime() < end; ) {
      ss = sandbox.bastion().exec("ss", "-Htnp", "state", "established", "( sport = :22 )").stdout();
      Matcher m = Pattern.compile("pid=(\\d+)").matcher(ss);
      while (m.find()) {
        pids.add(m.group(1));
      }
      if (pids.isEmpty()) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    assertThat(pids).as("sshd sessions on the bastion: %s", ss).isNotEmpty();
    String[] kill = new String[pids.size() + 2];
    kill[0] = "kill";
    kill[1] = "-9";
    System.arraycopy(pids.toArray(String[]::new), 0, kill, 2, pids.size());
    sandbox.bastion().exec(kill);
    assertThat(Arrays.asList(kill)).hasSizeGreaterThan(2);
  }
}
