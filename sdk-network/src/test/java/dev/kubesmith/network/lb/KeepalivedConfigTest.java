package dev.kubesmith.network.lb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.network.testing.Clusters;
import dev.kubesmith.network.testing.Golden;
import dev.kubesmith.network.testing.HostFacts;
import dev.kubesmith.network.testing.HostTool;
import dev.kubesmith.network.testing.NetworkNamespace;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeepalivedConfigTest {
  private final ClusterSpec spec = Clusters.ha();

  @TempDir
  Path dir;

  @BeforeAll
  static void root() {
    HostTool.requireRoot();
  }

  @Test
  void rendersTheReviewedConfigurationForBothLoadBalancers() {
    for (String lb : List.of("lb1", "lb2")) {
      Golden.assertMatches("keepalived-" + lb + ".conf",
          KeepalivedConfig.render(spec, spec.requireHost(lb), LoadBalancerSettings.defaults()));
    }
  }

  @Test
  void givesTheFirstLoadBalancerTheHighestPriorityAndLetsItPreempt() {
    String lb1 = KeepalivedConfig.render(spec, spec.requireHost("lb1"), LoadBalancerSettings.defaults());
    String lb2 = KeepalivedConfig.render(spec, spec.requireHost("lb2"), LoadBalancerSettings.defaults());

    assertThat(lb1.lines().filter(l -> l.trim().startsWith("priority ")).map(String::trim)).containsOnly("priority 150");
    assertThat(lb2.lines().filter(l -> l.trim().startsWith("priority ")).map(String::trim)).containsOnly("priority 140");
    for (String conf : List.of(lb1, lb2)) {
      assertThat(conf.lines().filter(l -> l.trim().startsWith("state ")).map(String::trim)).containsOnly("state BACKUP");
      assertThat(conf).doesNotContain("nopreempt", "auth_pass", "authentication").contains("advert_int 1");
    }
  }

  @Test
  void speaksUnicastVrrpFromItsOwnPrivateIpToTheOtherLoadBalancers() {
    String lb2 = KeepalivedConfig.render(spec, spec.requireHost("lb2"), LoadBalancerSettings.defaults());

    assertThat(instance(lb2, "kubesmith_private"))
        .contains("    unicast_src_ip 198.18.4.22\n    unicast_peer {\n        198.18.4.21\n    }\n");
  }

  @Test
  void thePublicInstanceSpeaksUnicastBetweenThePublicIpsOnThePublicInterface() {
    String lb2 = KeepalivedConfig.render(spec, spec.requireHost("lb2"), LoadBalancerSettings.defaults());

    assertThat(instance(lb2, "kubesmith_public"))
        .contains("    interface {{fact:lb2:public-interface}}\n",
            "    unicast_src_ip 198.18.100.22\n    unicast_peer {\n        198.18.100.21\n    }\n")
        .doesNotContain("198.18.4.");
  }

  @Test
  void namesEachLoadBalancersOwnInterfacesFromItsFactsInsteadOfEth0() {
    String lb1 = KeepalivedConfig.render(spec, spec.requireHost("lb1"), LoadBalancerSettings.defaults());

    assertThat(lb1).doesNotContain("eth0", "eth1")
        .contains("interface {{fact:lb1:private-interface}}\n", "198.18.4.100/24 dev {{fact:lb1:private-interface}}",
            "interface {{fact:lb1:public-interface}}\n", "198.18.100.100/32 dev {{fact:lb1:public-interface}}");
  }

  @Test
  void keepsAnnouncingTheVipsSoClientsLeaveADeadHoldersMac() {
    String lb1 = KeepalivedConfig.render(spec, spec.requireHost("lb1"), LoadBalancerSettings.defaults());

    for (String name : List.of("kubesmith_private", "kubesmith_public")) {
      assertThat(instance(lb1, name)).contains("    garp_master_delay 1\n", "    garp_master_refresh 2\n");
    }
  }

  /** The text of one vrrp_instance block. */
  private static String instance(String conf, String name) {
    int start = conf.indexOf("vrrp_instance " + name + " {");
    assertThat(start).as("instance " + name).isNotNegative();
    return conf.substring(start, conf.indexOf("\n}\n", start) + 3);
  }

  @Test
  void holdsBothVipsWithTheHostNetworksPrefixInOneSyncGroup() {
    String conf = KeepalivedConfig.render(spec, spec.requireHost("lb1"),
        LoadBalancerSettings.of(Map.of("privateInterface", "ens18", "publicInterface", "ens19", "virtualRouterId", "60")));

    assertThat(conf).contains("198.18.4.100/24 dev ens18", "198.18.100.100/32 dev ens19",
        "vrrp_sync_group kubesmith {\n    group {\n        kubesmith_private\n        kubesmith_public\n",
        "interface ens18\n    virtual_router_id 60\n", "interface ens19\n    virtual_router_id 61\n");
    assertThat(conf.split("track_script \\{\n        chk_haproxy")).hasSize(3);
  }

  @Test
  void hasOneInstanceAndNoSyncGroupWithoutAPublicVip() {
    String conf = KeepalivedConfig.render(Clusters.haWithoutPublicVip(), spec.requireHost("lb1"),
        LoadBalancerSettings.defaults());

    assertThat(conf).contains("vrrp_instance kubesmith_private").doesNotContain("kubesmith_public", "vrrp_sync_group");
  }

  @Test
  void checksHaproxyEverySecondAndFailsOverAfterTwoMisses() {
    String conf = KeepalivedConfig.render(spec, spec.requireHost("lb1"), LoadBalancerSettings.defaults());

    assertThat(conf).contains("global_defs {\n    router_id lb1\n    enable_script_security\n    script_user root\n}",
        "vrrp_script chk_haproxy {\n    script \"/etc/keepalived/check_haproxy.sh\"\n    interval 1\n",
        "    fall 2\n    rise 2\n");
  }

  @Test
  void everyRenderedConfigurationPassesKeepalivedsOwnTestWhereItsInterfacesAndScriptExist() throws IOException {
    for (ClusterSpec s : List.of(Clusters.ha(), Clusters.haWithoutPublicVip())) {
      for (Host lb : s.loadBalancers()) {
        Path conf = Files.writeString(dir.resolve(lb.name() + ".conf"), HostFacts.fill(KeepalivedConfig.render(s, lb, LoadBalancerSettings.defaults())));
        Path script = Files.writeString(dir.resolve(lb.name() + ".sh"),
            HostFacts.fill(HaproxyCheckScript.render(s, lb, LoadBalancerSettings.defaults())));
        try (NetworkNamespace ns = NetworkNamespace.create()) {
          ns.vethPair("ens3", lb.privateIp() + "/24", "ens4", lb.publicIp().orElseThrow() + "/24");

          HostTool.Result test = ns.run("unshare", "--mount", "--propagation", "private", "sh", "-c",
              "mount -t tmpfs -o mode=0755 tmpfs /etc/keepalived"
                  + " && install -m 0755 \"$1\" " + HaproxyCheckScript.PATH
                  + " && keepalived -t -f \"$2\"", "keepalived-test", script.toString(), conf.toString());

          assertThat(test.ok()).as(test.describe()).isTrue();
          assertThat(test.output()).as(test.describe()).doesNotContainIgnoringCase("warning").doesNotContain("unsafe");
        }
      }
    }
  }

  @Test
  void keepalivedsOwnTestRejectsAMissingInterfaceOrAMissingCheckScript() throws IOException {
    Host lb1 = spec.requireHost("lb1");
    Path wrongInterface = Files.writeString(dir.resolve("wrong-interface.conf"), HostFacts.fill(KeepalivedConfig.render(spec, lb1, LoadBalancerSettings.of(Map.of("publicInterface", "ens99")))));
    Path conf = Files.writeString(dir.resolve("lb1.conf"), HostFacts.fill(KeepalivedConfig.render(spec, lb1, LoadBalancerSettings.defaults())));
    Path script = Files.writeString(dir.resolve("lb1.sh"), HostFacts.fill(HaproxyCheckScript.render(spec, lb1, LoadBalancerSettings.defaults())));
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      ns.vethPair("ens3", "198.18.4.21/24", "ens4", "198.18.100.21/24");

      HostTool.Result missingInterface = ns.run("unshare", "--mount", "--propagation", "private", "sh", "-c",
          "mount -t tmpfs -o mode=0755 tmpfs /etc/keepalived && install -m 0755 \"$1\" " + HaproxyCheckScript.PATH
              + " && keepalived -t -f \"$2\"", "keepalived-test", script.toString(), wrongInterface.toString());
      HostTool.Result missingScript = ns.run("unshare", "--mount", "--propagation", "private", "sh", "-c",
          "mount -t tmpfs -o mode=0755 tmpfs /etc/keepalived && keepalived -t -f \"$1\"", "keepalived-test", conf.toString());

      // so that the passing runs above mean something: keepalived -t does look at interfaces and scripts
      assertThat(missingInterface.ok()).as(missingInterface.describe()).isFalse();
      assertThat(missingScript.ok()).as(missingScript.describe()).isFalse();
    }
  }
}
