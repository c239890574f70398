package dev.kubesmith.cli;

import dev.kubesmith.addons.ingress.BasicAuth;
import dev.kubesmith.addons.ingress.Traefik;
import dev.kubesmith.addons.logging.Logging;
import dev.kubesmith.addons.monitoring.KubePrometheus;
import dev.kubesmith.addons.storage.RookCeph;
import dev.kubesmith.backup.Velero;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.cluster.ClusterBuilder;
import dev.kubesmith.cluster.Ssh;
import dev.kubesmith.spec.InvalidSpecException;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Role;
import dev.kubesmith.component.Component;
import dev.kubesmith.network.lb.LoadBalancerPair;
import dev.kubesmith.upstream.UpstreamMirror;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The options that describe the cluster, shared by {@code plan} and {@code apply} (a picocli mixin),
 * and the one place that turns them into a validated {@link Cluster}. Every problem goes to a
 * {@link Failures}, so one run shows all there is to fix.
 */
final class ClusterOptions {
  @Option(names = "--inventory", paramLabel = "FILE",
      description = "The hosts: a hosts file (<ip> <name> <role>[,<role>] [public=<ip>] ...), an Ansible INI "
          + "inventory or `terraform output -json`; the cluster is described by the other options. "
          + "This or --spec is required.")
  Path inventory;

  @Option(names = "--spec", paramLabel = "FILE",
      description = "The whole cluster as a spec YAML (ClusterSpec.toYaml(), or <state dir>/spec.yaml of a "
          + "built cluster): hosts, VIPs, networks, SSH, components. Instead of --inventory and the options "
          + "describing the cluster; the SSH options given replace the spec's.")
  Path spec;

  @Option(names = "--vip", paramLabel = "IP",
      description = "HA: the private floating IP in front of the API servers (a free address in the host network).")
  String vip;

  @Option(names = "--public-vip", paramLabel = "IP",
      description = "HA: the public floating IP in front of the ingress.")
  String publicVip;

  @Option(names = "--registry-mirror", paramLabel = "HOST[:PORT]",
      description = "Every node pulls every image from this registry (HTTPS) instead of the image's own, e.g. one "
          + "filled from a bundle's images.txt; default: each image's registry.")
  String registryMirror;

  @Option(names = "--pod-cidr", paramLabel = "CIDR",
      description = "The pod network; by default a free private range that overlaps neither the hosts nor the services.")
  String podCidr;

  @Option(names = "--service-cidr", paramLabel = "CIDR",
      description = "The service network; by default 10.96.0.0/12 unless that overlaps.")
  String serviceCidr;

  @Option(names = "--name", paramLabel = "NAME", description = "The cluster's name (a DNS label); default: kubesmith.")
  String name;

  @Option(names = "--mirror", paramLabel = "DIR|URL",
      description = "Where pinned upstream manifests (Calico, ...) come from, laid out as <project>/<file>; "
          + "default: the system property " + UpstreamMirror.PROPERTY + ", else the environment variable "
          + UpstreamMirror.ENVIRONMENT + ", else upstream itself.")
  String mirror;

  @Option(names = "--lb-private-interface", paramLabel = "NAME",
      description = "HA: the load balancers' network interface the private VIP floats on; default: the one "
          + "holding each load balancer's private address, read from the host.")
  String lbPrivateInterface;

  @Option(names = "--lb-public-interface", paramLabel = "NAME",
      description = "HA: the load balancers' network interface the public VIP floats on; default: the one "
          + "holding each load balancer's public address, read from the host.")
  String lbPublicInterface;

  /** The names --addons accepts, in the order the error message lists them. */
  static final List<String> ADDONS = List.of("rook-ceph", "kube-prometheus", "traefik", "logging");

  @Option(names = "--addons", paramLabel = "NAME[,NAME...]", split = ",",
      description = "Add-ons to install, comma-separated, any of: rook-ceph, kube-prometheus, traefik, logging "
          + "(installed in dependency order; kube-prometheus and logging need rook-ceph and traefik). "
          + "Their manifests go to cluster/ of the plan.")
  List<String> addons;

  @Option(names = "--domain", paramLabel = "DOMAIN",
      description = "The domain the web UIs are served under (<ui>.DOMAIN, e.g. grafana.DOMAIN; a wildcard DNS "
          + "record *.DOMAIN is noted in the plan); used by traefik, kube-prometheus and logging, ignored "
          + "when --addons has none of them.")
  String domain;

  @Option(names = "--ingress-nodes", paramLabel = "HOST[,HOST...]", split = ",",
      description = "With --addons traefik: run Traefik on these masters or workers instead of on every master; "
          + "the load balancers' 80/443 backends follow them.")
  List<String> ingressNodes;

  @Option(names = "--backup", paramLabel = "KIND",
      description = "Backup to install: velero (the inventory's host with role nfs becomes the NFS server; MinIO "
          + "on an NFS-backed volume, Velero with the node agent, etcd snapshots on every master). Its host "
          + "files go to hosts/<nfs host>/ and hosts/<master>/ of the plan, MinIO and Velero to cluster/.")
  String backup;

  @Option(names = "--schedule", paramLabel = "name=NAME,cron=CRON,namespaces=NS[;NS...],ttl=DURATION",
      description = "With --backup velero: a Velero backup schedule; repeat for several, e.g. "
          + "name=test-daily,cron=@daily,namespaces=test,ttl=168h (namespaces: all when left out; ttl: "
          + "default 720h).")
  List<String> schedules;

  /**
   * The web UIs' passwords an earlier apply generated (see {@link WebUiCredentials}): reused, so that
   * the file and the cluster keep agreeing. Set by apply; not an option.
   */
  Map<String, String> storedCredentials = Map.of();

  /**
   * The backup component of --backup and --schedule: empty inside when there is none; empty outside
   * with every problem added (an unknown kind, a bad schedule, --schedule without --backup).
   */
  Optional<Optional<Component>> backup(Failures failures) {
    List<String> given = schedules == null ? List.of() : schedules;
    if (backup == null) {
      if (given.isEmpty()) {
        return Optional.of(Optional.empty());
      }
      failures.add(KubesmithCli.INVALID_INPUT, "--schedule: needs a backup to schedule; add --backup velero, or drop "
          + "--schedule");
      return Optional.empty();
    }
    try {
      return Optional.of(Optional.of(Velero.fromOptions(backup.trim(), given)));
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      failures.add(KubesmithCli.INVALID_INPUT, m.startsWith("--") ? m.replaceFirst("^(--[a-z]+) ", "$1: ") : "--schedule: " + m);
      return Optional.empty();
    }
  }

  /** False (with the problem added) when --backup needs an NFS host and the inventory has none. */
  private boolean hasNfsHost(Inventory inv, Failures failures) {
    if (!inv.withRole(Role.NFS).isEmpty()) {
      return true;
    }
    failures.add(KubesmithCli.INVALID_INPUT, "--backup " + backup.trim() + ": the inventory " + inventory + " has no "
        + "host with role nfs to serve the backups; add one outside the cluster, e.g. a line '192.168.4.50 nfs1 nfs'");
    return false;
  }

  /**
   * The add-on components of --addons (with --domain applied), or empty with every problem added:
   * unknown names, a --domain that is not a DNS name.
   */
  Optional<List<Component>> addons(Failures failures) {
    if (addons == null) {
      if (ingressNodes != null) {
        failures.add(KubesmithCli.INVALID_INPUT, "--ingress-nodes: places Traefik, but --addons has no traefik; "
            + "add traefik to --addons or drop --ingress-nodes");
        return Optional.empty();
      }
      return Optional.of(List.of());
    }
    Set<String> names = new LinkedHashSet<>();
    boolean ok = true;
    for (String raw : addons) {
      String n = raw.trim();
      if (n.isEmpty()) {
        continue;
      }
      if (!ADDONS.contains(n)) {
        failures.add(KubesmithCli.INVALID_INPUT, "--addons: unknown addon '" + n + "'; choose from "
            + String.join(", ", ADDONS));
        ok = false;
      } else {
        names.add(n);
      }
    }
    // The setters only store; a CLI user gets the option named, not the component's field.
    if (domain != null && !domain.matches("([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}")) {
      failures.add(KubesmithCli.INVALID_INPUT, "--domain " + domain + ": is not a DNS name; write e.g. --domain example.com");
      ok = false;
    }
    List<Component> out = new ArrayList<>();
    try {
      for (String n : names) {
        out.add(switch (n) {
          case "rook-ceph" -> RookCeph.defaults();
          case "kube-prometheus" -> domain == null ? KubePrometheus.defaults()
              : WebUiCredentials.password(storedCredentials, n, KubePrometheus.DEFAULT_USER)
                  .map(pw -> KubePrometheus.defaults().domain(domain).users(Map.of(KubePrometheus.DEFAULT_USER, pw)))
                  .orElseGet(() -> KubePrometheus.defaults().domain(domain));
          case "traefik" -> traefik();
          case "logging" -> domain == null ? Logging.efk()
              : WebUiCredentials.password(storedCredentials, n, Logging.DEFAULT_USER)
                  .map(pw -> Logging.efk().domain(domain).users(BasicAuth.users(Map.of(Logging.DEFAULT_USER, pw))))
                  .orElseGet(() -> Logging.efk().domain(domain));
          default -> throw new IllegalStateException(n);
        });
      }
    } catch (IllegalArgumentException e) {
      failures.add(KubesmithCli.INVALID_INPUT, (e.getMessage().startsWith("Traefik.onNodes") ? "--ingress-nodes: "
          : "--domain: ") + e.getMessage());
      ok = false;
    }
    if (ingressNodes != null && !names.contains("traefik")) {
      failures.add(KubesmithCli.INVALID_INPUT, "--ingress-nodes: places Traefik, but --addons has no traefik; "
          + "add traefik to --addons or drop --ingress-nodes");
      ok = false;
    }
    return ok ? Optional.of(out) : Optional.empty();
  }

  /** The load balancer pair with the interfaces given, if any; on a single master they are a mistake. */
  private Optional<LoadBalancerPair> loadBalancer(Inventory inv, Failures failures) {
    if (lbPrivateInterface == null && lbPublicInterface == null) {
      return Optional.empty();
    }
    String option = lbPrivateInterface != null ? "--lb-private-interface" : "--lb-public-interface";
    if (inv.withRole(Role.LB).isEmpty()) {
      failures.add(KubesmithCli.INVALID_INPUT, option + ": the inventory " + inventory + " has no load balancers "
          + "(a single-master cluster); drop the option, or add two hosts with role lb");
      return Optional.empty();
    }
    // the setters only store; a bad name comes back from build() and CliFixes names the option
    LoadBalancerPair lb = LoadBalancerPair.defaults();
    lb = lbPrivateInterface == null ? lb : lb.withPrivateInterface(lbPrivateInterface.trim());
    return Optional.of(lbPublicInterface == null ? lb : lb.withPublicInterface(lbPublicInterface.trim()));
  }

  private Traefik traefik() {
    Traefik t = domain == null ? Traefik.defaults() : Traefik.defaults().domain(domain);
    if (ingressNodes != null) {
      t = t.onNodes(ingressNodes.stream().map(String::trim).toArray(String[]::new));
    }
    return t;
  }

  /**
   * False (with the problem added) unless exactly one of --inventory and --spec names a readable
   * file, and --inventory is not a spec YAML (of which it would use the hosts only).
   */
  boolean checkInventoryFile(Failures failures) {
    if ((inventory == null) == (spec == null)) {
      failures.add(KubesmithCli.USAGE, inventory == null ? "give the hosts with --inventory FILE, or the whole "
          + "cluster with --spec FILE" : "--inventory and --spec: give one; --spec FILE holds the hosts too");
      return false;
    }
    if (spec != null) {
      return ClusterSpecFile.check(this, failures);
    }
    if (!Files.exists(inventory)) {
      failures.add(KubesmithCli.INVALID_INPUT, "--inventory " + inventory + ": no such file; give the hosts file "
          + "of the cluster (e.g. samples/clustera_hosts)");
      return false;
    }
    if (!Files.isRegularFile(inventory) || !Files.isReadable(inventory)) {
      failures.add(KubesmithCli.INVALID_INPUT, "--inventory " + inventory + ": is not a readable file");
      return false;
    }
    return ClusterSpecFile.notASpec(inventory, failures);
  }

  /** The mirror to use; a local one that is not a directory is reported now, not after planning. */
  UpstreamMirror mirror(Failures failures) {
    if (mirror != null && mirror.isBlank()) {
      failures.add(KubesmithCli.USAGE, "--mirror is empty; give a directory or an http(s) URL");
      return UpstreamMirror.official();
    }
    UpstreamMirror m = mirror == null ? UpstreamMirror.fromEnvironment() : UpstreamMirror.at(mirror);
    m.location().filter(l -> !l.startsWith("http://") && !l.startsWith("https://"))
        .filter(l -> !Files.isDirectory(Path.of(l)))
        .ifPresent(l -> failures.add(KubesmithCli.UPSTREAM_OR_IO, "mirror " + l + ": no such directory; point "
            + "--mirror (or " + UpstreamMirror.PROPERTY + ", " + UpstreamMirror.ENVIRONMENT
            + ") at a directory laid out as <project>/<file>, or at an http(s) URL"));
    return m;
  }

  /**
   * The validated cluster for commands that reach its hosts: the inventory file, the SSH options, the
   * mirror and the spec checked, every problem added.
   */
  Optional<Cluster> cluster(SshOptions sshOptions, Failures failures) {
    boolean readable = checkInventoryFile(failures);
    UpstreamMirror upstream = mirror(failures);
    if (!readable) {
      sshOptions.ssh(failures);
      return Optional.empty();
    }
    return cluster(upstream, sshOptions, failures);
  }

  /**
   * The validated cluster: from --spec (with the SSH options in place of the spec's), or from the
   * inventory and the options (see below). Call after {@link #checkInventoryFile} returned true.
   */
  Optional<Cluster> cluster(UpstreamMirror upstream, SshOptions sshOptions, Failures failures) {
    if (spec != null) {
      return ClusterSpecFile.cluster(this, upstream, sshOptions, failures);
    }
    Optional<Ssh> ssh = sshOptions.ssh(failures);
    return cluster(upstream, ssh, failures);
  }

  /**
   * The validated cluster (HA when the inventory has lb hosts, single-master otherwise), or empty
   * with every problem added. Call after {@link #checkInventoryFile} returned true.
   */
  Optional<Cluster> cluster(UpstreamMirror upstream, Optional<Ssh> ssh, Failures failures) {
    // Bad --addons are reported, and the rest of the input still validated (without the add-ons, so that
    // no add-on is reported as missing a dependency the user did name).
    Optional<List<Component>> components = addons(failures);
    Optional<Optional<Component>> backupComponent = backup(failures);
    try {
      Inventory inv = Inventory.load(inventory);
      // Without an NFS host the backup is left out, so the spec's own problems still show, but not twice.
      boolean backupOk = backupComponent.isPresent()
          && (backupComponent.get().isEmpty() || hasNfsHost(inv, failures));
      ClusterBuilder builder = inv.withRole(Role.LB).isEmpty() ? Cluster.singleMaster() : Cluster.ha();
      builder.inventory(inv).mirror(upstream);
      ssh.ifPresent(builder::ssh);
      // Given values are passed as given: the validator reports a VIP on a single master, a bad CIDR, ...
      Optional.ofNullable(name).ifPresent(builder::name);
      Optional.ofNullable(vip).ifPresent(builder::vip);
      Optional.ofNullable(publicVip).ifPresent(builder::publicVip);
      Optional.ofNullable(registryMirror).ifPresent(builder::registryMirror);
      Optional.ofNullable(podCidr).ifPresent(builder::podCidr);
      Optional.ofNullable(serviceCidr).ifPresent(builder::serviceCidr);
      loadBalancer(inv, failures).ifPresent(builder::loadBalancer);
      builder.addons(components.orElse(List.of()).toArray(Component[]::new));
      if (backupOk) {
        backupComponent.get().ifPresent(builder::backup);
      }
      Cluster built = builder.build();
      return components.isPresent() && backupOk ? Optional.of(built) : Optional.empty();
    } catch (InvalidSpecException e) {
      CliFixes.forInventory(inventory).lines(e.problems()).forEach(m -> failures.add(KubesmithCli.INVALID_INPUT, m));
    } catch (UncheckedIOException e) {
      failures.add(KubesmithCli.INVALID_INPUT, e.getMessage());
    }
    return Optional.empty();
  }
}
