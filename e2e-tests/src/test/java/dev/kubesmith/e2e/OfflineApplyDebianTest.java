package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.bundle.OfflineInstall;
import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.exec.BuildFailedException;
import dev.kubesmith.exec.BuildListener;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.BundleFixtures;
import dev.kubesmith.testkit.ExecResult;
import dev.kubesmith.testkit.internal.DebianLan;
import dev.kubesmith.testkit.internal.DebianMachine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: {@code apply --bundle} on real Debian 12 machines (systemd, sshd, apt, dpkg, sudo,
 * iptables; nothing the SDK installs preinstalled, no route but the sandbox's), as the sudo user
 * ops. Without the bundle the build reaches for the distribution's mirror and fails naming host
 * and step; with it the bundle goes to the bastion once, is served from there, and every host's
 * preparation, firewall and load balancer install from it alone, apt checking the bundle's
 * signature. The build then stops at kubeadm init: the bundle's kubeadm is a stand-in that lists
 * images and its version only (nothing here ships the real one, and no API server can run).
 */
class OfflineApplyDebianTest {
  private static final String VERSION = "1.34.2";
  private static final String VIP = "198.18.6.100";

  @TempDir
  static Path tmp;
  static DebianLan lan;
  static Path bundle;
  static Cluster cluster;

  @BeforeAll
  static void bootAndBundle() {
    List<Host> hosts = new ArrayList<>();
    hosts.add(Host.builder().name("bastion").privateIp("198.18.6.10").publicIp("198.18.106.10").addRoles(Role.BASTION).build());
    hosts.add(Host.builder().name("lb1").privateIp("198.18.6.21").publicIp("198.18.106.21").addRoles(Role.LB).build());
    hosts.add(Host.builder().name("lb2").privateIp("198.18.6.22").publicIp("198.18.106.22").addRoles(Role.LB).build());
    for (int i = 1; i <= 3; i++) {
      hosts.add(Host.of("master" + i, "198.18.6.3" + i, Role.MASTER));
    }
    hosts.add(Host.of("worker1", "198.18.6.41", Role.WORKER));
    long t0 = System.nanoTime();
    lan = DebianLan.boot(Inventory.of(hosts), "198.18.6.0/24", "198.18.106.0/24");
    System.out.printf("offline apply: %d Debian machines booted in %.1f s%n", hosts.size(), (System.nanoTime() - t0) / 1e9);
    cluster = Cluster.ha().name("offline").inventory(lan.inventory()).vip(VIP).publicVip("198.18.106.100")
        .kubernetesVersion(VERSION).ssh(lan.ssh(DebianMachine.OPS)).build();
    t0 = System.nanoTime();
    bundle = cluster.bundle(tmp.resolve("bundle"), BundleFixtures.sources(
        BundleFixtures.kubernetesRepository(VERSION, tmp.resolve("kubernetes-repo")),
        BundleFixtures.containerdRepository(tmp.resolve("containerd-repo"))));
    System.out.printf("offline apply: bundle computed in %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  @AfterAll
  static void stop() {
    if (lan != null) {
      lan.close();
    }
  }

  /** Steps run and their durations, by id. */
  static final class Timings implements BuildListener {
    final Map<String, Duration> finished = new ConcurrentHashMap<>();
    final List<String> started = new CopyOnWriteArrayList<>();

    @Override
    public void stepStarted(Step step) {
      started.add(step.id());
    }

    @Override
    public void stepFinished(Step step, Duration took) {
      finished.put(step.id(), took);
    }
  }

  private static ExecResult on(String host, String command) {
    return lan.machine(host).exec(Duration.ofSeconds(60), "sh", "-c", command);
  }

  @Test
  void withoutTheBundleTheBuildFailsReachingOutThenTheBundleInstallsEveryHostFromTheBastion() {
    Path state = tmp.resolve("state");
    // online: the hosts' own sources (Debian's mirror) are out of reach
    assertThatThrownBy(() -> cluster.apply(ApplyOptions.defaults().stateDirectory(state)))
        .isInstanceOf(BuildFailedException.class)
        .satisfies(e -> System.out.println("offline apply, online attempt: " + e.getMessage()))
        .hasMessageContaining("install from an offline bundle: kubesmith bundle --out DIR, then apply --bundle DIR");

    Timings first = new Timings();
    long t0 = System.nanoTime();
    BuildFailedException stopped = (BuildFailedException) org.assertj.core.api.Assertions.catchThrowable(() ->
        cluster.apply(ApplyOptions.defaults().stateDirectory(state).listener(first).bundle(bundle)));
    System.out.printf("offline apply from the bundle: stopped after %.1f s: %s%n", (System.nanoTime() - t0) / 1e9,
        stopped == null ? "(did not stop)" : stopped.getMessage());
    first.finished.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> System.out.printf("  %-28s %6.1f s%n", e.getKey(), e.getValue().toMillis() / 1000.0));
    assertThat(stopped).isNotNull();
    assertThat(stopped.getMessage()).contains("kubeadm-init@master1", "master1", "not in this stand-in");
    assertThat(stopped.completed()).contains("bundle@bastion", "bundle-apt@lb1", "bundle-apt@master1",
        "prepare@master1", "prepare@worker1", "firewall@bastion", "firewall@master1", "load-balancer@lb1",
        "load-balancer@lb2");

    // the bundle is served from the bastion, and every host's apt reads it alone, signature checked
    assertThat(on("bastion", "systemctl is-active " + OfflineInstall.UNIT).stdout().strip()).isEqualTo("active");
    for (String h : List.of("master1", "worker1", "lb1")) {
      assertThat(on(h, "cat /etc/kubesmith/apt/sources.list").stdout()).contains("signed-by=", "http://198.18.6.10:6180/ ./")
          .doesNotContain("trusted=yes");
      assertThat(on(h, "ls /etc/apt/sources.list.d/").stdout()).doesNotContain("kubernetes.list");
    }
    // nodes: the bundle's kubeadm, kubelet and kubectl held, containerd.io with the SDK's configuration, under systemd
    ExecResult kube = on("master1", "dpkg-query -W -f '${Package} ${Version}\\n' kubeadm kubelet kubectl containerd.io;"
        + " apt-mark showhold; systemctl is-active containerd; systemctl is-enabled kubelet;"
        + " head -1 /etc/containerd/config.toml; ls /etc/containerd/");
    assertThat(kube.stdout()).contains("kubeadm " + VERSION + "-1.1", "containerd.io " + BundleFixtures.CONTAINERD_IO + "-1",
        "kubelet\n", "active\n", "enabled\n", "# Written by kubesmith", "config.toml.kubesmith-orig");
    // the load balancers: real haproxy and keepalived from the bundle, the VIP on one of them
    for (String lb : List.of("lb1", "lb2")) {
      assertThat(on(lb, "systemctl is-active haproxy keepalived").stdout()).isEqualTo("active\nactive\n");
    }
    assertThat(on("lb1", "ip -o addr").stdout() + on("lb2", "ip -o addr").stdout()).contains(VIP + "/");
    // the firewall in force on a real kernel
    assertThat(on("master1", "iptables -S KUBESMITH-INPUT").stdout()).contains("kubesmith: cluster hosts");

    // again: nothing done is redone, the bundle is not copied again, and it stops at the same step
    String copied = on("bastion", "stat -c '%n %Y' " + OfflineInstall.DIRECTORY + "/pool/*").stdout();
    Timings second = new Timings();
    assertThatThrownBy(() -> cluster.apply(ApplyOptions.defaults().stateDirectory(state).listener(second).bundle(bundle)))
        .isInstanceOf(BuildFailedException.class).hasMessageContaining("kubeadm-init@master1");
    // facts steps read the hosts on every apply; nothing else but the step that failed runs
    assertThat(second.started.stream().filter(id -> !id.startsWith("facts@"))).as("steps run again")
        .containsOnly("kubeadm-init@master1");
    assertThat(on("bastion", "stat -c '%n %Y' " + OfflineInstall.DIRECTORY + "/pool/*").stdout()).isEqualTo(copied);
  }
}
