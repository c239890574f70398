package dev.kubesmith.cluster;

import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.PlanContext;
import dev.kubesmith.exec.BuildExecutor;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.exec.Journal;
import dev.kubesmith.kube.ApiStepRunner;
import dev.kubesmith.kube.KubernetesApi;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.InvalidSpecException;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Ipv4;
import dev.kubesmith.spec.NetworkPlanner;
import dev.kubesmith.spec.Problem;
import dev.kubesmith.spec.Role;
import dev.kubesmith.spec.Topology;
import dev.kubesmith.upstream.UpstreamMirror;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Addons for a cluster that already runs, reached with a kubeconfig: the same components as in a
 * full build ({@code RookCeph}, {@code Traefik}, {@code KubePrometheus}, {@code Logging}, ...),
 * sized from the cluster's nodes (read through the API) or from an inventory, applied through the
 * API only, with the same journal, checks and waits. A re-run changes nothing.
 *
 * <pre>{@code
 * ExistingCluster cluster = ExistingCluster.fromKubeconfig(Path.of("admin.conf"))
 *     .addons(RookCeph.defaults(), Traefik.defaults(), KubePrometheus.defaults().domain("example.com"))
 *     .build();                               // reads the nodes; InvalidSpecException lists every problem
 * cluster.plan().render(Path.of("out/addons")); // what will be applied, nothing touched
 * cluster.apply(ApplyOptions.defaults());        // journal in ~/.kubesmith/<name>
 * }</pre>
 *
 * Masters are the nodes labelled {@code node-role.kubernetes.io/control-plane}, the rest workers;
 * three masters or more make the cluster HA for the addons' sizing (mon count, replicas). Components
 * that need hosts over SSH (steps with a host) are refused: they belong in a full build.
 */
public final class ExistingCluster {
  static final String CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane";

  private final ClusterSpec spec;
  private final List<Component> addons;
  private final UpstreamMirror mirror;
  private final Path kubeconfig;

  private ExistingCluster(ClusterSpec spec, List<Component> addons, UpstreamMirror mirror, Path kubeconfig) {
    this.spec = spec;
    this.addons = addons;
    this.mirror = mirror;
    this.kubeconfig = kubeconfig;
  }

  /** The cluster behind this kubeconfig; {@link Builder#build()} reads its nodes unless given an inventory. */
  public static Builder fromKubeconfig(Path kubeconfig) {
    return new Builder(kubeconfig);
  }

  /** The spec the addons are planned for: the nodes as hosts, the addons as components. */
  public ClusterSpec spec() {
    return spec;
  }

  public List<Component> addons() {
    return addons;
  }

  /** The addons' steps, in dependency order; touches nothing. */
  public Plan plan() {
    PlanBuilder builder = new PlanBuilder();
    PlanContext ctx = new PlanContext(spec, mirror, builder);
    for (Component c : addons) {
      c.contribute(ctx);
    }
    Plan plan = builder.build(spec);
    for (Step s : plan.steps()) {
      if (s.host().isPresent()) {
        throw new IllegalStateException("step " + s.id() + " runs on host " + s.host().get()
            + " over SSH; an existing cluster is reached through its kubeconfig only, so add this component to a"
            + " full build (Cluster.ha()/singleMaster()...addons(...)) instead");
      }
    }
    return plan;
  }

  /**
   * Applies the addons through the kubeconfig's API server. The journal and lock live in the state
   * directory ({@code ~/.kubesmith/<name>} by default); a failed run called again resumes.
   */
  public BuildResult apply(ApplyOptions options) {
    Plan plan = plan();
    KubernetesApi api = KubernetesApi.fromKubeconfig(read(kubeconfig), Optional.empty());
    ApiStepRunner runner = ApiStepRunner.of(api, options.readyTimeout());
    BuildExecutor executor = BuildExecutor.builder().runner(runner).listener(options.listener())
        .parallelism(options.effectiveParallelism(1)).retries(options.retries()).build();
    try (Journal journal = Journal.open(options.stateDirectory(spec.name()))) {
      return executor.execute(plan, journal);
    }
  }

  private static String read(Path kubeconfig) {
    try {
      return Files.readString(kubeconfig);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the kubeconfig " + kubeconfig + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "ExistingCluster{" + spec.name() + ", " + spec.masters().size() + " masters, " + spec.workers().size()
        + " workers, addons " + addons.stream().map(Component::name).toList() + "}";
  }

  /** Collects the addons and how to size them; {@link #build()} validates everything at once. */
  public static final class Builder {
    private final Path kubeconfig;
    private final List<Component> addons = new ArrayList<>();
    private Inventory inventory;
    private String name = "existing";
    private UpstreamMirror mirror;
    private String publicVip;

    private Builder(Path kubeconfig) {
      this.kubeconfig = kubeconfig;
    }

    /** Name of the state directory under ~/.kubesmith (default {@code existing}). */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** Size the addons from these hosts (masters and workers) instead of reading the cluster's nodes. */
    public Builder inventory(Inventory inventory) {
      this.inventory = inventory;
      return this;
    }

    public Builder addons(Component... components) {
      addons.addAll(Arrays.asList(components));
      return this;
    }

    /** The public address the ingress is reached at (HA: the load balancers' public VIP), for the DNS notes. */
    public Builder publicVip(String publicVip) {
      this.publicVip = publicVip;
      return this;
    }

    public Builder mirror(UpstreamMirror mirror) {
      this.mirror = mirror;
      return this;
    }

    /** Validates the addons against the cluster and returns it, or throws listing every problem. */
    public ExistingCluster build() {
      List<Problem> problems = new ArrayList<>();
      if (kubeconfig == null) {
        problems.add(Problem.missing("kubeconfig", "give the cluster's kubeconfig, e.g. Path.of(\"admin.conf\")"));
      } else if (inventory == null && !Files.isReadable(kubeconfig)) {
        problems.add(new Problem("kubeconfig", kubeconfig.toString(), "cannot be read",
            "give the path of a readable kubeconfig (kubectl config view --raw > admin.conf)"));
      }
      if (addons.isEmpty()) {
        problems.add(Problem.missing("addons", "name at least one, e.g. addons(RookCeph.defaults())"));
      }
      addons.stream().filter(c -> c.kind() != ComponentKind.ADDON).forEach(c -> problems.add(new Problem(
          "addons", c.name(), "is a " + c.kind() + " component, which needs the hosts over SSH",
          "add it to a full build (Cluster.ha()/singleMaster()) instead")));
      if (!problems.isEmpty()) {
        throw new InvalidSpecException(problems);
      }
      List<Host> hosts = inventory != null ? nodesOf(inventory) : nodesOf(kubeconfig);
      List<Component> ordered = AddonOrder.sort(addons);
      long masters = hosts.stream().filter(h -> h.has(Role.MASTER)).count();
      ClusterSpec spec = ClusterSpec.builder().name(name)
          .topology(masters >= 3 ? Topology.HA : Topology.SINGLE_MASTER)
          .hosts(hosts)
          .publicVip(Optional.ofNullable(publicVip))
          .network(NetworkPlanner.plan(hosts, List.of(), Optional.empty(), Optional.empty(), 24))
          .components(ordered.stream().map(Component::describe).toList())
          .build();
      if (publicVip != null && Ipv4.tryParse(publicVip).isEmpty()) {
        problems.add(new Problem("publicVip", publicVip, "is not an IPv4 address", "write e.g. 203.0.113.100"));
      }
      if (masters == 0) {
        problems.add(new Problem("nodes", String.valueOf(hosts.size()), "has no master (no node labelled "
            + CONTROL_PLANE_LABEL + ")", "label the control-plane nodes, or pass an inventory with masters"));
      }
      Set<String> names = new HashSet<>();
      ordered.forEach(c -> names.add(c.name()));
      for (Component c : ordered) {
        problems.addAll(c.validate(spec));
        c.requires().stream().filter(r -> !names.contains(r)).forEach(r -> problems.add(new Problem(
            "components." + c.name(), c.name(), "needs " + r,
            "add " + r + " too: if it is installed already, applying it again changes nothing")));
      }
      if (!problems.isEmpty()) {
        throw new InvalidSpecException(problems);
      }
      return new ExistingCluster(spec, ordered, mirror == null ? UpstreamMirror.fromEnvironment() : mirror, kubeconfig);
    }

    private static List<Host> nodesOf(Inventory inventory) {
      return inventory.hosts().stream().filter(h -> h.has(Role.MASTER) || h.has(Role.WORKER)).toList();
    }

    private static List<Host> nodesOf(Path kubeconfig) {
      try (KubernetesApi api = KubernetesApi.fromKubeconfig(read(kubeconfig), Optional.empty())) {
        List<Host> hosts = new ArrayList<>();
        for (Node n : api.client().nodes().list().getItems()) {
          Optional<String> ip = n.getStatus() == null || n.getStatus().getAddresses() == null ? Optional.empty()
              : n.getStatus().getAddresses().stream().filter(a -> "InternalIP".equals(a.getType()))
                  .map(NodeAddress::getAddress).filter(a -> Ipv4.tryParse(a).isPresent()).findFirst();
          if (ip.isEmpty()) {
            continue;
          }
          boolean master = n.getMetadata().getLabels() != null && n.getMetadata().getLabels().containsKey(CONTROL_PLANE_LABEL);
          hosts.add(Host.of(n.getMetadata().getName(), ip.get(), master ? Role.MASTER : Role.WORKER));
        }
        return hosts;
      }
    }
  }
}
