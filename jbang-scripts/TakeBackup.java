///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS dev.kubesmith:sdk-backup:0.1.0-SNAPSHOT
//DEPS dev.kubesmith:sdk-network:0.1.0-SNAPSHOT
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.20

// A Velero backup now, through a cluster's admin kubeconfig only (the API server must be reachable from
// here; the CLI's `kubesmith backup now` also goes through the bastion). --plan DIR instead writes what
// `--backup velero` adds to a build of the inventory: the NFS host's files, MinIO, Velero, schedules.
//   jbang-scripts/jbang jbang-scripts/TakeBackup.java --kubeconfig admin.conf --name before-upgrade --namespaces test
//   jbang-scripts/jbang jbang-scripts/TakeBackup.java --inventory hosts --vip 10.0.1.100 --plan out

import dev.kubesmith.backup.BackupSchedule;
import dev.kubesmith.backup.Velero;
import dev.kubesmith.backup.VeleroRunFailedException;
import dev.kubesmith.backup.VeleroRuns;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.cluster.ClusterBuilder;
import dev.kubesmith.component.PlanContext;
import dev.kubesmith.kube.KubernetesApi;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.spec.InvalidSpecException;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Role;
import dev.kubesmith.upstream.UpstreamException;
import dev.kubesmith.upstream.UpstreamMirror;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "TakeBackup", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Takes a Velero backup now through the admin kubeconfig and waits for it. --plan DIR writes "
        + "instead what --backup velero adds to a build of --inventory (hosts/<nfs host>/, hosts/<master>/, "
        + "cluster/), touching nothing.",
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:the backup is Completed (or the plan was written)",
        "1:invalid input, printed one problem per line; nothing touched", "2:usage error",
        "3:upstream mirror or I/O failure", "5:the backup ended Failed or PartiallyFailed, or did not finish in time"})
class TakeBackup implements Callable<Integer> {
  @Option(names = "--kubeconfig", paramLabel = "FILE", description = "The admin kubeconfig (needed without --plan).")
  Path kubeconfig;
  @Option(names = "--name", description = "The Backup's name; default before-<epoch seconds>.") String name;
  @Option(names = "--namespaces", split = ",", paramLabel = "NS", description = "Namespaces to back up; default all.")
  List<String> namespaces = List.of();
  @Option(names = "--ttl", defaultValue = "720h", description = "How long Velero keeps it; default ${DEFAULT-VALUE}.")
  String ttl;
  @Option(names = "--wait", defaultValue = "30m", description = "How long to wait; default ${DEFAULT-VALUE}.")
  String wait;
  @Option(names = "--inventory", paramLabel = "FILE", description = "Hosts file (with an nfs host) for --plan.")
  Path inventory;
  @Option(names = "--vip", paramLabel = "IP", description = "--plan of an HA inventory: the API servers' VIP.")
  String vip;
  @Option(names = "--schedule", paramLabel = "name=NAME,cron=CRON,...", description = "--plan: a schedule; repeatable.")
  List<String> schedules = List.of();
  @Option(names = "--mirror", paramLabel = "DIR|URL", description = "Upstream manifests mirror (Velero CRDs).")
  String mirror;
  @Option(names = "--plan", paramLabel = "DIR", description = "Write the backup's plan to DIR; touch nothing.") Path plan;

  public static void main(String... args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.exit(new CommandLine(new TakeBackup()).execute(args));
  }

  public Integer call() throws Exception {
    try {
      return plan != null ? plan() : backup();
    } catch (InvalidSpecException e) {
      e.problems().forEach(p -> System.err.println("error: " + p.message()));
      return 1;
    } catch (IllegalArgumentException e) {
      return fail(1, e.getMessage());
    } catch (UpstreamException | java.io.UncheckedIOException e) {
      return fail(3, e.getMessage());
    }
  }

  private int plan() {
    if (inventory == null) {
      return fail(1, "--plan needs --inventory FILE: the hosts, one of them with role nfs");
    }
    Inventory hosts = Inventory.load(inventory);
    ClusterBuilder b = hosts.withRole(Role.LB).isEmpty() ? Cluster.singleMaster() : Cluster.ha();
    b.inventory(hosts);
    Optional.ofNullable(vip).ifPresent(b::vip);
    Velero velero = Velero.fromOptions(Velero.NAME, schedules);
    Cluster cluster = b.backup(velero).build();
    UpstreamMirror upstream = mirror == null ? UpstreamMirror.fromEnvironment() : UpstreamMirror.at(mirror);
    PlanBuilder steps = new PlanBuilder();
    velero.contribute(new PlanContext(cluster.spec(), upstream, steps));
    var p = steps.build(cluster.spec());
    System.out.println(p.steps().size() + " backup steps written to " + p.render(plan));
    return 0;
  }

  private int backup() throws java.io.IOException {
    if (kubeconfig == null || !Files.isRegularFile(kubeconfig)) {
      return fail(1, "--kubeconfig " + (kubeconfig == null ? "is missing" : kubeconfig + ": no such file")
          + "; give the cluster's admin kubeconfig (kubesmith writes ~/.kubesmith/<name>/admin.conf), or --plan DIR");
    }
    String backupName = name != null ? name : "before-" + System.currentTimeMillis() / 1000;
    try (KubernetesApi api = KubernetesApi.fromKubeconfig(Files.readString(kubeconfig), Optional.empty())) {
      VeleroRuns.of(api.client()).backup(backupName, namespaces, BackupSchedule.parseTtl(ttl), BackupSchedule.parseTtl(wait));
      System.out.println("backup " + backupName + ": Completed");
      return 0;
    } catch (VeleroRunFailedException e) {
      return fail(5, e.getMessage());
    }
  }

  private static int fail(int code, String message) {
    System.err.println("error: " + message);
    return code;
  }
}
