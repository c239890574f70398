package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.addons.ingress.Traefik;
import dev.kubesmith.addons.logging.Logging;
import dev.kubesmith.addons.monitoring.KubePrometheus;
import dev.kubesmith.addons.storage.RookCeph;
import dev.kubesmith.backup.Velero;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Role;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: what an offline bundle must hold is read off the plan: every step names the Debian
 * packages it installs, and this test keeps that list true to the step's own commands and scripts
 * (an install the list forgot would be missing from every bundle), and every image the manifests use.
 */
class BundleContentsTest {
  /** apt-get (or prepare-host.sh's apt_get) install with its arguments, up to the end of the command. */
  private static final Pattern APT_INSTALL = Pattern.compile("\\bapt[-_]get\\b[^\\n;|&]*?\\binstall\\b([^\\n;|&}]*)");

  private static Plan plan() {
    List<Host> hosts = new ArrayList<>();
    hosts.add(Host.builder().name("bastion").privateIp("10.1.0.10").publicIp("203.0.113.10").addRoles(Role.BASTION).build());
    hosts.add(Host.builder().name("lb1").privateIp("10.1.0.21").publicIp("203.0.113.21").addRoles(Role.LB).build());
    hosts.add(Host.builder().name("lb2").privateIp("10.1.0.22").publicIp("203.0.113.22").addRoles(Role.LB).build());
    for (int i = 1; i <= 3; i++) {
      hosts.add(Host.builder().name("master" + i).privateIp("10.1.0.3" + i).addRoles(Role.MASTER).memoryMib(8192).build());
      hosts.add(Host.builder().name("worker" + i).privateIp("10.1.0.4" + i).addRoles(Role.WORKER).memoryMib(16384).build());
    }
    hosts.add(Host.of("nfs1", "10.1.0.50", Role.NFS));
    return Cluster.ha().inventory(Inventory.of(hosts)).vip("10.1.0.100").publicVip("203.0.113.100")
        .addons(RookCeph.defaults(), Traefik.defaults().domain("apps.example.com"),
            KubePrometheus.defaults().domain("apps.example.com"), Logging.efk().domain("apps.example.com"))
        .backup(Velero.minioOnNfs("nfs1", "/srv/backup"))
        .build().plan();
  }

  /** The package names the text installs with apt (variables and options left out; a version pin cut off). */
  static Set<String> aptInstalls(String text) {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = APT_INSTALL.matcher(text.replace("\\\n", " "));
    while (m.find()) {
      String[] tokens = m.group(1).trim().split("\\s+");
      for (int i = 0; i < tokens.length; i++) {
        String t = tokens[i].replace("\"", "").replace("'", "");
        if (t.equals("-o")) {
          i++; // -o NAME=VALUE: an apt option
          continue;
        }
        if (t.isEmpty() || t.startsWith("-") || t.startsWith("$") || t.startsWith("<")) {
          continue;
        }
        names.add(t.replaceFirst("=.*", ""));
      }
    }
    return names;
  }

  /** prepare-host.sh is one text for every kind of host; what follows this runs on nodes only. */
  private static final String NODES_ONLY = "if [ \"$MODE\" != \"node\" ]; then\n  exit 0\nfi\n";

  /** The step's commands and scripts without comment lines; for a host that is not a node, without what runs on nodes only. */
  private static String text(Plan plan, Step s) {
    StringBuilder sb = new StringBuilder(String.join("\n", s.commands()));
    Host host = plan.spec().requireHost(s.host().orElseThrow());
    boolean node = host.has(Role.MASTER) || host.has(Role.WORKER);
    for (FileArtifact f : s.files()) {
      if (f.path().endsWith(".sh") || (f.mode() & 0100) != 0) {
        String script = f.content();
        if (!node && script.contains(NODES_ONLY)) {
          script = script.substring(0, script.indexOf(NODES_ONLY));
        }
        sb.append('\n').append(script);
      }
    }
    return sb.toString().lines().filter(l -> !l.strip().startsWith("#")).reduce("", (a, b) -> a + b + "\n");
  }

  @Test
  void everyHostStepListsExactlyThePackagesItsCommandsAndScriptsInstall() {
    Plan plan = plan();
    List<String> checked = new ArrayList<>();
    for (Step s : plan.steps()) {
      if (s.host().isEmpty()) {
        assertThat(s.packages()).as("%s runs through the API: it installs nothing", s.id()).isEmpty();
        continue;
      }
      String text = text(plan, s);
      Set<String> declared = new LinkedHashSet<>(s.packages().stream().map(p -> p.replaceFirst("=.*", "")).toList());
      Set<String> installed = aptInstalls(text);
      assertThat(declared).as("packages() of %s against the apt installs in its commands and scripts", s.id())
          .containsAll(installed);
      for (String p : declared) {
        // containerd is installed as $CONTAINERD_PKG (Debian's, or Docker's containerd.io)
        assertThat(text).as("%s lists %s: its text installs it", s.id(), p).contains(p.equals("containerd.io|containerd")
            ? "CONTAINERD_PKG=containerd.io" : p);
      }
      if (!installed.isEmpty()) {
        checked.add(s.id());
      }
    }
    assertThat(checked).as("steps that install packages").contains("prepare@worker1", "load-balancer@lb1",
        "firewall@master1", "nfs-server@nfs1");
    assertThat(plan.packages()).contains("haproxy", "keepalived", "iptables", "iptables-persistent", "ipset",
        "containerd.io|containerd", "kubeadm=1.34.2-*", "kubelet=1.34.2-*", "kubectl=1.34.2-*", "nfs-kernel-server", "etcd-client");
  }

  @Test
  void theAptInstallReaderFindsEveryFormTheStepsUse() {
    assertThat(aptInstalls("apt-get -o DPkg::Lock::Timeout=300 -y -q install etcd-client nfs-common; fi"))
        .containsExactly("etcd-client", "nfs-common");
    assertThat(aptInstalls("apt_get install --allow-downgrades \\\n    \"kubelet=$K8S_VERSION-*\" \"kubeadm=$K8S_VERSION-*\""))
        .containsExactly("kubelet", "kubeadm");
    assertThat(aptInstalls("[ -n \"$X\" ] || apt_get install \"$CONTAINERD_PKG\"")).isEmpty();
    assertThat(aptInstalls("apt-get install -y -q -o Dpkg::Options::=--force-confdef haproxy keepalived;"))
        .containsExactly("haproxy", "keepalived");
  }

  @Test
  void theImagesAreEveryImageTheManifestsName() {
    Set<String> images = plan().images();

    assertThat(images).isNotEmpty().allSatisfy(i -> assertThat(i).matches("\\S+[:@]\\S+"));
    assertThat(images).anySatisfy(i -> assertThat(i).contains("calico/node"))
        .anySatisfy(i -> assertThat(i).contains("traefik"))
        .anySatisfy(i -> assertThat(i).contains("velero/velero"))
        .anySatisfy(i -> assertThat(i).contains("minio"))
        .anySatisfy(i -> assertThat(i).contains("elasticsearch"))
        .anySatisfy(i -> assertThat(i).contains("rook/ceph"))
        .anySatisfy(i -> assertThat(i).contains("prometheus"));
  }
}
