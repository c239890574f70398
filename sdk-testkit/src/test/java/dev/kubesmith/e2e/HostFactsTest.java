package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.bootstrap.Bootstrap;
import dev.kubesmith.exec.BuildFailedException;
import dev.kubesmith.plan.Facts;
import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.ExecResult;
import dev.kubesmith.testkit.Sandbox;
import dev.kubesmith.testkit.SandboxBuild;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The facts contract on real sshd: the facts step reads the host, later steps render from it. */
class HostFactsTest {
  private static Sandbox sandbox;

  @BeforeAll
  static void start() {
    sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
        .host("master1", "198.18.4.31", Role.MASTER)
        .build().start();
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  @Test
  void aLaterStepRendersFromTheFactsItsHostReported() {
    SandboxBuild build = SandboxBuild.on(sandbox);
    Host bastion = build.spec().requireHost("bastion");
    String expected = "private=eth0 public=ext0 os=" + sandbox.host("bastion").exec("sh", "-c", ". /etc/os-release; echo $ID $VERSION_ID")
        .requireSuccess().stdout().strip() + " init=" + sandbox.host("bastion").exec("ps", "-p", "1", "-o", "comm=").stdout().strip();
    Step uses = Step.builder().id("uses-facts@bastion").phase(Phase.PREPARE_HOSTS).host("bastion").description("render from facts")
        .addDependsOn(Facts.stepId("bastion"))
        .addFiles(FileArtifact.of("/etc/kubesmith-facts", "private=" + Facts.placeholder("bastion", Facts.PRIVATE_INTERFACE)
            + " public=" + Facts.placeholder("bastion", Facts.PUBLIC_INTERFACE) + " os=" + Facts.placeholder("bastion", Facts.OS_ID)
            + " " + Facts.placeholder("bastion", Facts.OS_VERSION) + " init=" + Facts.placeholder("bastion", Facts.INIT_SYSTEM)))
        .build();

    build.run(Bootstrap.facts(bastion), uses);

    assertThat(sandbox.host("bastion").readFile("/etc/kubesmith-facts")).isEqualTo(expected);
  }

  @Test
  void aHostWithoutItsInventoryIpFailsNamingHostAddressAndFix() {
    // 198.18.4.3 is a prefix of master1's 198.18.4.31: the match must be on the whole address
    Host wrong = Host.of("master1", "198.18.4.3", Role.MASTER);
    String command = Bootstrap.facts(wrong).facts().get(Facts.PRIVATE_INTERFACE);

    ExecResult r = sandbox.host("master1").exec("sh", "-c", command);

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr()).contains("master1 has no network interface holding its private IP 198.18.4.3 ",
        "fix the private IP of master1 in the inventory");
  }

  @Test
  void theFactsStepFailsTheBuildNamingTheHost() {
    SandboxBuild build = SandboxBuild.on(sandbox);
    Step facts = Bootstrap.facts(build.spec().requireHost("master1"));
    // a facts command that finds nothing, as on a host whose inventory IP sits on no interface
    Step broken = Step.builder().from(facts).putFacts(Facts.PRIVATE_INTERFACE,
        Bootstrap.facts(Host.of("master1", "198.18.4.99", Role.MASTER)).facts().get(Facts.PRIVATE_INTERFACE)).build();

    assertThatThrownBy(() -> build.run(broken)).isInstanceOf(BuildFailedException.class)
        .hasMessageContaining("step facts@master1 failed on master1")
        .hasMessageContaining("master1 has no network interface holding its private IP 198.18.4.99");
  }
}
