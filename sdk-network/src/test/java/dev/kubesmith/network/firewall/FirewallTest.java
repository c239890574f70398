package dev.kubesmith.network.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.network.testing.Clusters;
import dev.kubesmith.network.testing.HostFacts;
import dev.kubesmith.network.testing.HostTool;
import dev.kubesmith.network.testing.Plans;
import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ComponentSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.InvalidSpecException;
import dev.kubesmith.spec.SshSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirewallTest {
  private final ClusterSpec spec = Clusters.ha();

  @TempDir
  Path dir;

  @Test
  void addsOneFirewallStepPerHostAfterItsPreparation() {
    Plan plan = Plans.of(spec, Firewall.iptables());

    assertThat(plan.steps().stream().filter(s -> s.phase() == Phase.FIREWALL).map(Step::id))
        .containsExactlyElementsOf(spec.hosts().stream().map(h -> "firewall@" + h.name()).toList());
    Step w2 = plan.requireStep("firewall@worker2");
    assertThat(w2.host()).contains("worker2");
    assertThat(w2.dependsOn()).containsExactlyInAnyOrder("prepare@worker2", "facts@worker2");
  }

  @Test
  void writesTheHostsRulesForIpv4AndIpv6AndTheReversePathFilterAndRunsTheScript() {
    Step step = Plans.of(spec, Firewall.iptables()).requireStep("firewall@lb2");
    Host lb2 = spec.requireHost("lb2");

    assertThat(step.files()).extracting(FileArtifact::path, FileArtifact::modeOctal).containsExactly(
        tuple("/etc/iptables/rules.v4", "0640"), tuple("/etc/iptables/rules.v6", "0640"),
        tuple(Firewall.SYSCTL_PATH, "0644"), tuple("/usr/local/lib/kubesmith/apply-firewall.sh", "0755"),
        tuple(IptablesRules.SET_PATH, "0640"));
    assertThat(step.files().get(0).content()).isEqualTo(IptablesRules.render(spec, lb2));
    assertThat(step.files().get(1).content()).isEqualTo(Ip6tablesRules.render(spec, lb2));
    assertThat(step.files().get(3).content()).isEqualTo(FirewallScript.render());
    assertThat(step.files().get(4).content()).isEqualTo(IptablesRules.renderSet(spec));
    assertThat(step.commands()).containsExactly("sysctl -q -p " + Firewall.SYSCTL_PATH, "/usr/local/lib/kubesmith/apply-firewall.sh");
  }

  @Test
  void turnsOnStrictReversePathFilteringOnThePrivateInterfaceAndLooseOnThePublicOne() {
    String lb2 = Plans.of(spec, Firewall.iptables()).requireStep("firewall@lb2").files().get(2).content();
    String m1 = Plans.of(spec, Firewall.iptables()).requireStep("firewall@master1").files().get(2).content();

    assertThat(lb2).contains("net.ipv4.conf.all.rp_filter = 0\n", "net/ipv4/conf/{{fact:lb2:private-interface}}/rp_filter = 1\n",
        "net/ipv4/conf/{{fact:lb2:public-interface}}/rp_filter = 2\n");
    assertThat(m1).contains("net/ipv4/conf/{{fact:master1:private-interface}}/rp_filter = 1\n").doesNotContain("public");
  }

  /**
   * The runner compares every file with the host's before it runs a check (SshStepRunner), so the
   * check holds no digests: only the live state, the reverse-path filter and the applied rules.
   */
  @Test
  void isDoneOnlyWhenTheReversePathFilterIsOnAndTheLiveRulesAreTheAppliedOnes() {
    Step step = Plans.of(spec, Firewall.iptables()).requireStep("firewall@master1");

    assertThat(step.check()).hasValueSatisfying(check -> assertThat(check)
        .isEqualTo("[ \"$(sysctl -n net/ipv4/conf/{{fact:master1:private-interface}}/rp_filter)\" = 1 ]"
            + " && /usr/local/lib/kubesmith/apply-firewall.sh --check"));
    assertThat(step.files()).allSatisfy(f -> assertThat(f.kept()).as(f.path()).isTrue());
    HostTool.Result shellcheck = HostTool.shellcheck("#!/bin/sh\n" + HostFacts.fill(step.check().orElseThrow()) + "\n", dir);
    assertThat(shellcheck.ok()).as(shellcheck.describe()).isTrue();
  }

  /** Issue 11: the plan must grow linearly: what every host gets alike is one shared text. */
  @Test
  void everyHostSharesOneSetOfTheInventorysAddressesAndOneScript() {
    Plan plan = Plans.of(spec, Firewall.iptables());
    Step m1 = plan.requireStep("firewall@master1");
    Step w3 = plan.requireStep("firewall@worker3");

    assertThat(w3.files().get(4).content()).isSameAs(m1.files().get(4).content());
    assertThat(w3.files().get(3).content()).isSameAs(m1.files().get(3).content());
    assertThat(m1.files().get(0).content()).as("the rules name the set, not the addresses")
        .contains("--match-set kubesmith-hosts src").doesNotContain("198.18.4.41");
  }

  @Test
  void notesThatSshIsOpenToEveryoneWhenThereIsNoBastion() {
    Plan without = Plans.of(Clusters.haWithoutBastion(), Firewall.iptables());
    Plan with = Plans.of(spec, Firewall.iptables());

    assertThat(without.notes()).singleElement().asString().contains("No bastion", "SSH", "from anywhere");
    assertThat(with.notes()).isEmpty();
  }

  @Test
  void isTheDefaultFirewallOfEveryCluster() {
    FirewallProvider provider = new FirewallProvider();

    assertThat(provider.name()).isEqualTo("iptables");
    assertThat(provider.kind()).isEqualTo(ComponentKind.FIREWALL);
    assertThat(provider.isDefaultFor(Clusters.ha())).isTrue();
    assertThat(provider.isDefaultFor(Clusters.singleMaster())).isTrue();
    assertThat(provider.create(ComponentSpec.of("iptables"))).isSameAs(Firewall.iptables());
  }

  @Test
  void reportsABastionThatIsNotAHost() {
    ClusterSpec s = ClusterSpec.builder().from(Clusters.haWithoutBastion())
        .ssh(SshSettings.builder().bastion("jump.example.com").build()).build();

    assertThat(Firewall.iptables().validate(s)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("ssh.bastion");
      assertThat(p.value()).isEqualTo("jump.example.com");
    });
    assertThatThrownBy(() -> Plans.of(s, Firewall.iptables())).isInstanceOf(InvalidSpecException.class);
  }

  @Test
  void reportsUnknownSettingsAndMalformedInterfaceNamesTogether() {
    Firewall f = (Firewall) new FirewallProvider().create(ComponentSpec.of("iptables",
        Map.of("sshFrom", "0.0.0.0/0", "privateInterface", "eth0; rm -rf /")));

    assertThat(f.validate(spec)).extracting(p -> p.field()).containsExactly(
        "components[iptables].settings.privateInterface", "components[iptables].settings.sshFrom");
    assertThat(Firewall.iptables().validate(spec)).isEmpty();
  }

  @Test
  void rendersExplicitInterfacesLiterallyAndThenNeedsNoFacts() {
    Firewall f = Firewall.iptables().withPrivateInterface("bond0");
    Step m1 = Plans.of(spec, f).requireStep("firewall@master1");

    assertThat(f.validate(spec)).isEmpty();
    assertThat(m1.files().get(0).content()).contains("-i bond0 ").doesNotContain("{{fact:");
    assertThat(m1.dependsOn()).containsExactly("prepare@master1");
  }
}
