package dev.kubesmith.cli;

import dev.kubesmith.backup.BackupSchedule;
import dev.kubesmith.backup.VeleroRunFailedException;
import dev.kubesmith.backup.VeleroRuns;
import dev.kubesmith.spec.InvalidSpecException;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.ssh.SshConnector;
import dev.kubesmith.ssh.SshException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kubesmith backup now}: an on-demand Velero Backup through the Kubernetes API, waited for
 * until Velero reports its phase. Reaches the API as {@code status} does: the admin.conf of the
 * state directory (or {@code --kubeconfig}), through an SSH forward over the inventory's bastion.
 *
 * <pre>
 * kubesmith backup now --inventory clustera_hosts --ssh-key ~/.ssh/id_ed25519 --include-namespaces test --ttl 168h
 * </pre>
 */
@Command(name = "now",
    description = {"Takes a Velero backup now and waits for it (the cluster was applied with --backup velero).",
        "Creates a Backup in namespace velero through the Kubernetes API with the admin.conf 'apply' wrote, "
            + "through an SSH forward over the inventory's bastion (straight at the kubeconfig's server without "
            + "--inventory or when the inventory has no bastion), and waits until Velero reports Completed, "
            + "Failed or PartiallyFailed."},
    sortOptions = false,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        KubesmithCli.OK + ":ok: the backup is Completed",
        KubesmithCli.INVALID_INPUT + ":invalid input (a bad --name, --include-namespaces, --ttl or --wait, no "
            + "admin.conf, an unreadable --inventory or --ssh-key); nothing is created and no host is contacted",
        KubesmithCli.USAGE + ":" + KubesmithCli.USAGE_TEXT,
        KubesmithCli.UPSTREAM_OR_IO + ":the kubeconfig could not be read (an I/O error)",
        KubesmithCli.INTERNAL + ":" + KubesmithCli.INTERNAL_TEXT,
        KubesmithCli.BUILD_FAILED + ":the backup ended Failed or PartiallyFailed (Velero's failure reason is "
            + "printed), did not finish within --wait, or Velero is not installed",
        KubesmithCli.UNREACHABLE + ":the API server could not be reached (directly or through the bastion)"},
    footer = {"%nExample:",
        "  kubesmith backup now --inventory samples/clustera_hosts --ssh-key id_ed25519 \\",
        "      --state-dir .kubesmith/clustera --include-namespaces test --ttl 168h"})
final class BackupNowCommand implements Callable<Integer> {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  private static final int TIMEOUT_MS = 15_000;

  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--inventory", paramLabel = "FILE",
      description = "The cluster's hosts, as given to 'apply': the API is reached through its bastion. Without "
          + "it, straight at the server of the kubeconfig.")
  Path inventory;

  @Mixin
  SshOptions ssh;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "The state directory 'apply' used; admin.conf is read from it. Default: ~/.kubesmith/<cluster name>.")
  Path stateDir;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "The admin kubeconfig to use instead of <state dir>/admin.conf.")
  Path kubeconfig;

  @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = "kubesmith",
      description = "The cluster's name as given to 'apply --name', for the default state directory. Default: ${DEFAULT-VALUE}.")
  String clusterName;

  @Option(names = "--name", paramLabel = "NAME",
      description = "The Backup's name (a DNS label). Default: kubesmith-<UTC time>, e.g. kubesmith-20261126-020000.")
  String name;

  @Option(names = "--include-namespaces", paramLabel = "NS", split = ",",
      description = "The namespaces to back up. Default: all.")
  List<String> namespaces;

  @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "720h",
      description = "How long Velero keeps the backup (e.g. 168h, 7d, 90m). Default: ${DEFAULT-VALUE}.")
  String ttl;

  @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "30m",
      description = "How long to wait for Velero to finish the backup (e.g. 30m, 2h, 20s). Default: ${DEFAULT-VALUE}.")
  String wait;

  @Override
  public Integer call() {
    Failures failures = new Failures();
    String backupName = name != null ? name : "kubesmith-" + ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);
    checkLabel("--name", backupName, "kubesmith-before-upgrade", failures);
    List<String> included = namespaces == null ? List.of()
        : namespaces.stream().map(String::trim).filter(n -> !n.isEmpty()).toList();
    included.forEach(n -> checkLabel("--include-namespaces", n, "test", failures));
    Optional<Duration> keep = duration("--ttl", ttl, "168h, 7d or 90m", failures);
    Optional<Duration> timeout = duration("--wait", wait, "30m, 2h or 20s", failures);
    keep.filter(d -> d.getNano() != 0 || d.compareTo(Duration.ofSeconds(1)) < 0).ifPresent(d ->
        failures.add(KubesmithCli.INVALID_INPUT, "--ttl " + ttl + ": must be at least one second; write e.g. 168h"));
    Optional<Optional<SshConnector>> connector = connector(failures);
    Optional<String> config = AdminKubeconfig.read(kubeconfig, stateDir, clusterName, failures);
    if (failures.any()) {
      connector.flatMap(c -> c).ifPresent(SshConnector::close);
      return failures.report(err());
    }
    return run(config.orElseThrow(), connector.orElseThrow(), backupName, included, keep.orElseThrow(),
        timeout.orElseThrow());
  }

  private int run(String config, Optional<SshConnector> bastion, String backupName, List<String> included,
      Duration keep, Duration timeout) {
    String what = "backup " + backupName + " (" + (included.isEmpty() ? "all namespaces" : "namespaces "
        + String.join(", ", included)) + ", ttl " + BackupSchedule.goDuration(keep) + ")";
    String server = "?";
    try (ApiAccess api = ApiAccess.open(config, bastion, TIMEOUT_MS)) {
      server = api.server().toString().replaceFirst("/$", "");
      out().println("creating " + what + "; waiting up to " + BackupSchedule.goDuration(timeout) + " for Velero");
      out().flush();
      GenericKubernetesResource done = VeleroRuns.of(api.client()).backup(backupName, included, keep, timeout);
      out().println("backup " + backupName + ": Completed" + summary(done));
      return KubesmithCli.OK;
    } catch (VeleroRunFailedException e) {
      out().println("backup " + backupName + ": " + (e.phase() == null ? "no phase" : e.phase()));
      err().println("error: " + e.getMessage());
      return KubesmithCli.BUILD_FAILED;
    } catch (SshException e) {
      err().println("error: the API server " + server + " through the bastion: " + e.getMessage());
      return KubesmithCli.UNREACHABLE;
    } catch (KubernetesClientException e) {
      return apiError(e, backupName, server);
    }
  }

  private int apiError(KubernetesClientException e, String backupName, String server) {
    String first = reason(e);
    if (e.getCode() == 409) {
      err().println("error: --name " + backupName + ": a Backup of that name exists already; choose another name");
      return KubesmithCli.INVALID_INPUT;
    }
    if (e.getCode() == 404) {
      err().println("error: the API server " + server + " does not serve velero.io/v1 Backups: Velero is not "
          + "installed; apply the cluster with --backup velero first");
      return KubesmithCli.BUILD_FAILED;
    }
    if (e.getCode() >= 400 && e.getCode() < 500) {
      err().println("error: the API server " + server + " refused the Backup (HTTP " + e.getCode() + "): " + first);
      return KubesmithCli.BUILD_FAILED;
    }
    err().println("error: the API server " + server + " did not answer: " + first
        + "; check that kube-apiserver runs on the masters and that the bastion reaches it");
    return KubesmithCli.UNREACHABLE;
  }

  /** fabric8 says "An error has occurred." for a refused connection: the root cause says what. */
  private static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return m.lines().findFirst().orElse(m).strip();
  }

  @SuppressWarnings("unchecked")
  private static String summary(GenericKubernetesResource backup) {
    Object status = backup.getAdditionalProperties().get("status");
    if (!(status instanceof Map<?, ?> s)) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    if (s.get("progress") instanceof Map<?, ?> p && p.get("itemsBackedUp") != null) {
      parts.add(p.get("itemsBackedUp") + " items");
    }
    Optional.ofNullable(s.get("errors")).ifPresent(x -> parts.add(x + " errors"));
    Optional.ofNullable(s.get("warnings")).ifPresent(x -> parts.add(x + " warnings"));
    Optional.ofNullable(s.get("expiration")).ifPresent(x -> parts.add("expires " + x));
    return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
  }

  /** Through the inventory's bastion when there is one; straight otherwise. */
  private Optional<Optional<SshConnector>> connector(Failures failures) {
    if (inventory == null) {
      if (ssh.bastion != null) {
        failures.add(KubesmithCli.INVALID_INPUT, "--bastion " + ssh.bastion + ": needs --inventory FILE, the hosts "
            + "the API server is among; add --inventory, or drop --bastion to reach the kubeconfig's server directly");
        return Optional.empty();
      }
      return ssh.ssh(failures).map(s -> Optional.empty());
    }
    if (!Files.isRegularFile(inventory) || !Files.isReadable(inventory)) {
      failures.add(KubesmithCli.INVALID_INPUT, "--inventory " + inventory + ": no such readable file; give the hosts "
          + "file the cluster was applied with, or leave --inventory out to reach the kubeconfig's server directly");
      return Optional.empty();
    }
    try {
      return ssh.bastionConnector(Inventory.load(inventory), failures);
    } catch (InvalidSpecException e) {
      CliFixes.forInventory(inventory).lines(e.problems())
          .forEach(m -> failures.add(KubesmithCli.INVALID_INPUT, "--inventory " + inventory + ": " + m));
      return Optional.empty();
    } catch (UncheckedIOException | IllegalArgumentException e) {
      failures.add(KubesmithCli.INVALID_INPUT, "--inventory " + inventory + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private static void checkLabel(String option, String value, String example, Failures failures) {
    if (!LABEL.matcher(value).matches()) {
      failures.add(KubesmithCli.INVALID_INPUT, option + " '" + value + "': is not a DNS label (lower-case letters, "
          + "digits and '-', at most 63); write e.g. " + example);
    }
  }

  private static Optional<Duration> duration(String option, String text, String examples, Failures failures) {
    try {
      return Optional.of(BackupSchedule.parseTtl(text));
    } catch (IllegalArgumentException e) {
      failures.add(KubesmithCli.INVALID_INPUT, option + " '" + text + "': is not a duration; write e.g. " + examples);
      return Optional.empty();
    }
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
