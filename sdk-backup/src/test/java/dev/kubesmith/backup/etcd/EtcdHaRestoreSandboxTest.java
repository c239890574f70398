package dev.kubesmith.backup.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.backup.nfs.NfsServer;
import dev.kubesmith.exec.BuildExecutor;
import dev.kubesmith.exec.Journal;
import dev.kubesmith.exec.SshStepRunner;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Role;
import dev.kubesmith.spec.Topology;
import dev.kubesmith.ssh.Redactor;
import dev.kubesmith.ssh.SshConnector;
import dev.kubesmith.testkit.Sandbox;
import dev.kubesmith.testkit.SandboxBuild;
import dev.kubesmith.testkit.SandboxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tier 3: a three-member etcd (one per sandbox master, TLS, kubeadm's layout) restored by the SDK from
 * one snapshot: every member from the same file, each with its own name and peer URL, into a new data
 * dir, and the cluster has quorum again with the snapshot's keys.
 */
class EtcdHaRestoreSandboxTest {
  static final List<String> MASTERS = List.of("master1", "master2", "master3");

  @RegisterExtension
  static final SandboxExtension SANDBOX = SandboxExtension.of(Sandbox.builder()
      .host("bastion", "198.18.4.10", Role.BASTION)
      .host("master1", "198.18.4.31", Role.MASTER)
      .host("master2", "198.18.4.32", Role.MASTER)
      .host("master3", "198.18.4.33", Role.MASTER));

  static Path shared;

  @Test
  void everyMemberRestoresFromTheSameSnapshotAndTheClusterHasItsKeysBack() throws IOException {
    String cluster = "master1=https://198.18.4.31:2380,master2=https://198.18.4.32:2380,master3=https://198.18.4.33:2380";
    EtcdMember first = new EtcdMember(SANDBOX.host("master1")).start(cluster, null);
    List<EtcdMember> members = Stream.concat(Stream.of(first), MASTERS.stream().skip(1)
        .map(n -> new EtcdMember(SANDBOX.host(n)).start(cluster, first))).toList();
    members.forEach(m -> m.awaitHealthy(true));
    shared = Files.createTempDirectory(Path.of("/mnt"), "ks-backup-etcd-ha-");
    members.forEach(m -> m.bind(shared, EtcdSnapshots.OFFSITE_DIR));
    first.put("/registry/namespaces/prod", "kept");
    ClusterSpec spec = haSpec();
    NfsServer nfs = NfsServer.on(Host.of("nfs1", "198.18.4.50", Role.NFS), "/srv/backup");
    Step snapshotStep = EtcdSnapshots.defaults().step(spec.requireHost("master2"), Optional.of(nfs));

    run(spec, plan(spec, Step.builder().from(snapshotStep).dependsOn(List.of()).afterPhases(java.util.Set.of()).build()));
    String snapshot;
    try (Stream<Path> files = Files.list(shared)) {
      snapshot = EtcdSnapshots.OFFSITE_DIR + "/" + files.findFirst().orElseThrow().getFileName();
    }
    members.get(2).put("/registry/namespaces/prod", "changed-after-the-snapshot");
    members.get(1).put("/registry/namespaces/later", "after");

    EtcdRestore restore = EtcdRestore.from(snapshot);
    long start = System.nanoTime();
    run(spec, restore.plan(spec));
    System.out.println("three-member etcd restore through the SDK took " + (System.nanoTime() - start) / 1_000_000 + " ms");

    for (EtcdMember m : members) {
      assertThat(m.get("/registry/namespaces/prod")).as(m.host.name()).isEqualTo("kept");
      assertThat(m.get("/registry/namespaces/later")).as(m.host.name()).isEmpty();
      assertThat(m.host.readFile("/etc/kubernetes/manifests/etcd.yaml")).contains("path: " + restore.dataDir() + "\n");
    }
    String list = first.host.exec(first.etcdctl("member", "list").toArray(String[]::new)).requireSuccess().stdout();
    assertThat(list.lines()).hasSize(3).allMatch(l -> l.contains("started"));
    MASTERS.forEach(n -> assertThat(list).contains(n + ", https://" + SANDBOX.host(n).privateIp() + ":2380"));
  }

  @AfterAll
  static void removeSharedDirectory() throws IOException {
    SANDBOX.sandbox().close(); // the hosts' mounts go with their namespaces first
    if (shared != null) {
      try (Stream<Path> files = Files.walk(shared)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The sandbox's masters as an HA spec, SSH as the sandbox sets it up (SandboxBuild's specs have one master). */
  static ClusterSpec haSpec() {
    ClusterSpec one = SandboxBuild.on(SANDBOX.sandbox(), "master1").spec();
    return ClusterSpec.builder().from(one).topology(Topology.HA).hosts(SANDBOX.sandbox().inventory().hosts()).build();
  }

  static Plan plan(ClusterSpec spec, Step... steps) {
    PlanBuilder b = new PlanBuilder();
    List.of(steps).forEach(b::add);
    return b.build(spec);
  }

  /** What SandboxBuild does, for a spec of our own: the real SSH layer and executor, through the bastion. */
  static void run(ClusterSpec spec, Plan plan) {
    Redactor redactor = new Redactor();
    SshConnector connector = SshConnector.forSpec(spec, Optional.empty(), redactor);
    SshStepRunner runner = new SshStepRunner(connector, h -> connector.target(spec.requireHost(h)), Duration.ofSeconds(120),
        null, SandboxBuild.QUICK_RETRIES);
    BuildExecutor.builder().runner(runner).redactor(redactor).retries(SandboxBuild.QUICK_RETRIES).build()
        .execute(plan, Journal.inMemory());
  }
}
