package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plan --bastion}: the firewall of the plan admits SSH from the bastion named, and from no other. */
class PlanBastionTest {
  @TempDir
  Path tmp;

  private Path twoBastions() throws IOException {
    return Files.writeString(tmp.resolve("hosts"), """
        192.168.4.10 bastion1 bastion public=203.0.113.10
        192.168.4.11 bastion2 bastion public=203.0.113.11
        192.168.4.31 master1 master
        192.168.4.41 worker1 worker
        """);
  }

  @Test
  void planWithBastionAdmitsSshOnlyFromThatBastion() throws IOException {
    Path out = tmp.resolve("out");

    CliRun run = CliRun.of("plan", "--inventory", twoBastions().toString(), "--bastion", "bastion2",
        "--mirror", CliRun.mirror().toString(), "--out", out.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    String rules = Files.readString(out.resolve("hosts/master1/etc/iptables/rules.v4"));
    // masters have no public interface: SSH arrives from the bastion's private address on the private one
    assertThat(rules).contains("--dport 22 -s 192.168.4.11/32").doesNotContain("--dport 22 -s 192.168.4.10/32", "203.0.113.10/32")
        .containsPattern("--dport 22 -m comment --comment \"kubesmith: ssh from anywhere else\" -j DROP");
  }

  @Test
  void planWithABastionThatIsNoBastionHostIsInvalidInput() throws IOException {
    Path out = tmp.resolve("out");

    CliRun run = CliRun.of("plan", "--inventory", twoBastions().toString(), "--bastion", "worker1",
        "--mirror", CliRun.mirror().toString(), "--out", out.toString());

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.err()).contains("--bastion = worker1");
    assertThat(Files.exists(out)).isFalse();
  }

  @Test
  void planHelpListsBastion() {
    CliRun run = CliRun.of("plan", "--help");

    assertThat(run.out()).contains("--bastion=HOST");
  }
}
