package dev.kubesmith.network.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.network.testing.Clusters;
import dev.kubesmith.network.testing.HostFacts;
import dev.kubesmith.network.testing.HostTool;
import dev.kubesmith.network.testing.NetworkNamespace;
import dev.kubesmith.spec.ClusterSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The apply script run for real against iptables in a throwaway network namespace, with stubs first
 * on PATH for the package manager and systemctl, so nothing of the machine itself is changed.
 */
class FirewallScriptTest {
  private static final String JUMP = "-A INPUT -j KUBESMITH-INPUT";
  private final ClusterSpec spec = Clusters.ha();

  @TempDir
  Path dir;
  private Path script;
  private Path set;
  private Path rules;
  private Path rules6;
  private Path stubs;

  @BeforeAll
  static void root() {
    HostTool.requireRoot();
  }

  @BeforeEach
  void files() throws IOException {
    script = Files.writeString(dir.resolve("apply-firewall.sh"), FirewallScript.render());
    set = Files.writeString(dir.resolve("kubesmith-hosts.ipset"), IptablesRules.renderSet(spec));
    rules = Files.writeString(dir.resolve("rules.v4"), HostFacts.fill(IptablesRules.render(spec, spec.requireHost("master1"))));
    rules6 = Files.writeString(dir.resolve("rules.v6"), Ip6tablesRules.render(spec, spec.requireHost("master1")));
    stubs = Files.createDirectories(dir.resolve("stubs"));
    // dpkg says iptables-persistent is missing, so the Debian install path runs (against the stubs)
    for (String tool : List.of("apt-get", "dpkg", "debconf-set-selections", "systemctl", "dnf", "rpm", "netfilter-persistent")) {
      Path stub = stubs.resolve(tool);
      Files.writeString(stub, "#!/bin/sh\necho \"" + tool + " $*\" >>\"" + dir.resolve("calls.log") + "\"\ncat >/dev/null\n"
          + (tool.equals("dpkg") ? "exit 1\n" : "exit 0\n"));
      Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void passesShellcheck() {
    HostTool.Result check = HostTool.shellcheck(FirewallScript.render(), dir);

    assertThat(check.ok()).as(check.describe()).isTrue();
  }

  @Test
  void appliesItsOwnChainAndLeavesKubeProxysChainsAndJumpsAlone() throws IOException {
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      simulateKubeProxy(ns);

      HostTool.Result apply = apply(ns);

      assertThat(apply.ok()).as(apply.describe()).isTrue();
      List<String> input = ns.run("iptables", "-S", "INPUT").output().lines().toList();
      assertThat(input).contains("-P INPUT DROP", "-A INPUT -j KUBE-FIREWALL").containsOnlyOnce(JUMP);
      assertThat(ns.run("iptables", "-S", "KUBE-FIREWALL").output()).contains("-A KUBE-FIREWALL -j RETURN");
      assertThat(ns.run("iptables", "-t", "nat", "-S", "PREROUTING").output()).contains("-A PREROUTING -j KUBE-SERVICES");
      assertThat(ns.run("iptables", "-S", "KUBESMITH-INPUT").output().lines().filter(l -> l.startsWith("-A ")))
          .hasSize((int) Files.readString(rules).lines().filter(l -> l.startsWith("-A KUBESMITH-INPUT ")).count());
    }
  }

  @Test
  void putsItsForwardChainAfterKubeProxysAndItsInputAndPreroutingChainsFirst() {
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      simulateKubeProxy(ns);

      applied(ns);

      assertThat(ns.run("iptables", "-S", "FORWARD").output().lines())
          .containsExactly("-P FORWARD DROP", "-A FORWARD -j KUBE-FORWARD", "-A FORWARD -j KUBESMITH-FORWARD");
      assertThat(ns.run("iptables", "-S", "INPUT").output().lines().skip(1).findFirst()).contains(JUMP);
      assertThat(ns.run("iptables", "-t", "mangle", "-S", "PREROUTING").output().lines())
          .containsExactly("-P PREROUTING ACCEPT", "-A PREROUTING -j KUBESMITH-PREROUTING");
    }
  }

  @Test
  void dropsIpv6InputAndForwardingButKeepsNeighbourDiscovery() {
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      applied(ns);

      assertThat(ns.run("ip6tables", "-S").output().lines()).contains("-P INPUT DROP", "-P FORWARD DROP", JUMP)
          .anySatisfy(l -> assertThat(l).contains("--icmpv6-type 135", "-j ACCEPT"));
    }
  }

  @Test
  void installsAndEnablesTheBootTimeLoaderWithoutSavingTheLiveTables() throws IOException {
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      HostTool.Result apply = apply(ns);

      assertThat(apply.ok()).as(apply.describe()).isTrue();
      assertThat(Files.readString(dir.resolve("calls.log")))
          .contains("debconf-set-selections", "apt-get install -y -q -o Dpkg::Options::=--force-confdef"
              + " -o Dpkg::Options::=--force-confold iptables iptables-persistent ipset",
              "systemctl daemon-reload", "systemctl enable -q netfilter-persistent")
          .doesNotContain("save");
      assertThat(dir.resolve("systemd/netfilter-persistent.service.d/kubesmith-ipset.conf")).content()
          .contains("[Service]\nExecStartPre=/usr/sbin/ipset -exist restore -file " + set);
    }
  }

  /**
   * A boot as netfilter-persistent does it (empty tables and no set, then iptables-restore of the
   * file): the rules match on the set, so without the drop-in's ExecStartPre they do not load and the
   * host would boot with no firewall at all.
   */
  @Test
  void atBootTheSetIsLoadedBeforeTheRulesWhichDoNotLoadWithoutIt() throws IOException {
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      applied(ns);
      String dropIn = Files.readString(dir.resolve("systemd/netfilter-persistent.service.d/kubesmith-ipset.conf"));
      String pre = dropIn.lines().filter(l -> l.startsWith("ExecStartPre=")).findFirst().orElseThrow()
          .substring("ExecStartPre=".length());
      // a fresh namespace is a fresh boot: no rules, no set
      try (NetworkNamespace boot = NetworkNamespace.create()) {
        HostTool.Result without = boot.runWithInput(Files.readString(rules), "iptables-restore");
        assertThat(without.ok()).as("the rules without the set: %s", without.describe()).isFalse();

        HostTool.Result loadSet = boot.run(pre.split(" "));
        HostTool.Result withSet = boot.runWithInput(Files.readString(rules), "iptables-restore");

        assertThat(loadSet.ok()).as(loadSet.describe()).isTrue();
        assertThat(withSet.ok()).as(withSet.describe()).isTrue();
        assertThat(boot.run("iptables", "-S", "KUBESMITH-HOSTS").output()).contains("--match-set kubesmith-hosts src");
      }
    }
  }

  @Test
  void replacesTheSetAtomicallyAndCheckSeesItsMembers() throws IOException {
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      applied(ns);
      assertThat(members(ns)).contains("198.18.4.31", "198.18.4.41").doesNotContain("198.18.4.99");

      ClusterSpec grown = Clusters.haBuilder().addHosts(dev.kubesmith.spec.Host.of("worker9", "198.18.4.99", dev.kubesmith.spec.Role.WORKER)).build();
      Files.writeString(set, IptablesRules.renderSet(grown));
      assertThat(check(ns).ok()).as("the set file changed, not applied yet").isFalse();
      applied(ns);

      assertThat(members(ns)).contains("198.18.4.31", "198.18.4.99");
      assertThat(ns.run("ipset", "list", "-n").output().lines()).as("no temporary set is left").containsExactly("kubesmith-hosts");
      assertThat(check(ns).ok()).as("after the apply").isTrue();

      ns.run("ipset", "del", "kubesmith-hosts", "198.18.4.99");
      assertThat(check(ns).ok()).as("after a member was removed by hand").isFalse();
    }
  }

  private static List<String> members(NetworkNamespace ns) {
    return ns.run("ipset", "list", "kubesmith-hosts", "-o", "save").output().lines()
        .filter(l -> l.startsWith("add ")).map(l -> l.split(" ")[2]).toList();
  }

  @Test
  void runningAgainChangesNothingAndRepairsADuplicatedJump() {
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      simulateKubeProxy(ns);
      applied(ns);
      String first = ns.run("iptables", "-S").output();

      applied(ns);
      assertThat(ns.run("iptables", "-S").output()).isEqualTo(first);

      ns.run("iptables", "-A", "INPUT", "-j", "KUBESMITH-INPUT");
      applied(ns);
      assertThat(ns.run("iptables", "-S", "INPUT").output().lines()).containsOnlyOnce(JUMP);
    }
  }

  @Test
  void checkPassesOnlyWhileTheLiveRulesAreTheOnesAppliedFromTheFile() throws IOException {
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      assertThat(check(ns).ok()).as("before the first apply").isFalse();

      applied(ns);
      assertThat(check(ns).ok()).as("right after apply").isTrue();

      ns.run("iptables", "-A", "KUBESMITH-INPUT", "-j", "ACCEPT");
      assertThat(check(ns).ok()).as("after a rule was added to the chain by hand").isFalse();

      applied(ns);
      ns.run("iptables", "-P", "INPUT", "ACCEPT");
      assertThat(check(ns).ok()).as("after the INPUT policy was opened").isFalse();

      applied(ns);
      ns.run("ip6tables", "-P", "INPUT", "ACCEPT");
      assertThat(check(ns).ok()).as("after the IPv6 INPUT policy was opened").isFalse();

      applied(ns);
      Files.writeString(rules, HostFacts.fill(IptablesRules.render(spec, spec.requireHost("lb1"))));
      assertThat(check(ns).ok()).as("after the rules file changed but was not applied").isFalse();
    }
  }

  private static void simulateKubeProxy(NetworkNamespace ns) {
    for (String[] cmd : List.of(new String[] {"-N", "KUBE-FIREWALL"}, new String[] {"-A", "KUBE-FIREWALL", "-j", "RETURN"},
        new String[] {"-I", "INPUT", "-j", "KUBE-FIREWALL"}, new String[] {"-t", "nat", "-N", "KUBE-SERVICES"},
        new String[] {"-t", "nat", "-A", "PREROUTING", "-j", "KUBE-SERVICES"}, new String[] {"-N", "KUBE-FORWARD"},
        new String[] {"-I", "FORWARD", "-j", "KUBE-FORWARD"})) {
      String[] full = new String[cmd.length + 1];
      full[0] = "iptables";
      System.arraycopy(cmd, 0, full, 1, cmd.length);
      HostTool.Result r = ns.run(full);
      assertThat(r.ok()).as(r.describe()).isTrue();
    }
  }

  private void applied(NetworkNamespace ns) {
    HostTool.Result r = apply(ns);
    assertThat(r.ok()).as(r.describe()).isTrue();
  }

  private HostTool.Result apply(NetworkNamespace ns) {
    return ns.run(env("bash", script.toString()));
  }

  private HostTool.Result check(NetworkNamespace ns) {
    return ns.run(env("bash", script.toString(), "--check"));
  }

  private String[] env(String... command) {
    List<String> full = new java.util.ArrayList<>(List.of("env",
        "PATH=" + stubs + ":/usr/sbin:/usr/bin:/sbin:/bin",
        "KUBESMITH_FIREWALL_SET=" + set,
        "KUBESMITH_FIREWALL_RULES=" + rules,
        "KUBESMITH_FIREWALL_RULES6=" + rules6,
        "KUBESMITH_STATE_DIR=" + dir.resolve("state"),
        "KUBESMITH_SYSTEMD_DIR=" + dir.resolve("systemd")));
    full.addAll(List.of(command));
    return full.toArray(String[]::new);
  }
}
