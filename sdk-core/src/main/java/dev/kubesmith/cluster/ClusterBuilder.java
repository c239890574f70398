package dev.kubesmith.cluster;

import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.ComponentProvider;
import dev.kubesmith.component.Components;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ComponentSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.InvalidSpecException;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.NetworkPlan;
import dev.kubesmith.spec.NetworkPlanner;
import dev.kubesmith.spec.Problem;
import dev.kubesmith.spec.Role;
import dev.kubesmith.spec.SpecValidator;
import dev.kubesmith.spec.Topology;
import dev.kubesmith.upstream.UpstreamMirror;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fluent builder behind {@link Cluster#ha()} and {@link Cluster#singleMaster()}. Setters only
 * store; {@link #build()} picks hosts, plans the network, resolves components and validates, then
 * throws one {@link InvalidSpecException} listing every problem.
 */
public final class ClusterBuilder {
  private final Topology topology;
  private String name = "kubesmith";
  private Inventory inventory;
  private Selection masters = Selection.all();
  private Selection workers = Selection.all();
  private Selection loadBalancers = Selection.all();
  private String vip;
  private String publicVip;
  private String registryMirror;
  private String podCidr;
  private String serviceCidr;
  private final List<String> hostNetworks = new ArrayList<>();
  private int nodeCidrMaskSize = 24;
  private String kubernetesVersion = ClusterSpec.DEFAULT_KUBERNETES_VERSION;
  private Ssh ssh = Ssh.root();
  private final Map<ComponentKind, Component> singles = new LinkedHashMap<>();
  /** Components given to a setter of another kind, reported by build(). */
  private final List<Map.Entry<ComponentKind, Component>> misplaced = new ArrayList<>();
  private final List<Component> addons = new ArrayList<>();
  private UpstreamMirror mirror;

  ClusterBuilder(Topology topology) {
    this.topology = topology;
    if (topology == Topology.SINGLE_MASTER) {
      this.loadBalancers = Selection.count(0); // lb hosts of a shared inventory are left out
    }
  }

  /** The cluster's name (a DNS label); also kubeadm's clusterName. */
  public ClusterBuilder name(String name) {
    this.name = name;
    return this;
  }

  public ClusterBuilder inventory(Inventory inventory) {
    this.inventory = inventory;
    return this;
  }

  /** The first {@code count} hosts with role master, in inventory order. */
  public ClusterBuilder masters(int count) {
    this.masters = Selection.count(count);
    return this;
  }

  /** These hosts as masters, by name. */
  public ClusterBuilder masters(String... names) {
    this.masters = Selection.names(names);
    return this;
  }

  public ClusterBuilder workers(int count) {
    this.workers = Selection.count(count);
    return this;
  }

  public ClusterBuilder workers(String... names) {
    this.workers = Selection.names(names);
    return this;
  }

  /** The load balancer pair by name (HA only). */
  public ClusterBuilder loadBalancers(String... names) {
    this.loadBalancers = Selection.names(names);
    return this;
  }

  /** The private floating IP in front of the API servers (HA only). */
  public ClusterBuilder vip(String privateVip) {
    this.vip = privateVip;
    return this;
  }

  /**
   * Every node pulls every image from this registry (host or host:port, HTTPS) instead of the
   * image's own: containerd's {@code _default} hosts.toml names it as the server, so no upstream
   * registry is tried. Fill it from the offline bundle's images.txt (see the user guide).
   */
  public ClusterBuilder registryMirror(String registry) {
    this.registryMirror = registry;
    return this;
  }

  /** The public floating IP in front of the ingress (HA only). */
  public ClusterBuilder publicVip(String publicVip) {
    this.publicVip = publicVip;
    return this;
  }

  public ClusterBuilder podCidr(String cidr) {
    this.podCidr = cidr;
    return this;
  }

  public ClusterBuilder serviceCidr(String cidr) {
    this.serviceCidr = cidr;
    return this;
  }

  /** The hosts' private network(s); by default each private IP's /24. */
  public ClusterBuilder hostNetwork(String... cidrs) {
    hostNetworks.addAll(Arrays.asList(cidrs));
    return this;
  }

  public ClusterBuilder nodeCidrMaskSize(int bits) {
    this.nodeCidrMaskSize = bits;
    return this;
  }

  /** e.g. {@code 1.34.2}; kubelet, kubeadm and kubectl are pinned to it. */
  public ClusterBuilder kubernetesVersion(String version) {
    this.kubernetesVersion = version;
    return this;
  }

  public ClusterBuilder ssh(Ssh ssh) {
    this.ssh = ssh;
    return this;
  }

  /** Replaces the default pod network (Calico with sdk-network). */
  public ClusterBuilder podNetwork(Component cni) {
    return single(ComponentKind.POD_NETWORK, cni);
  }

  /** Replaces the default load balancer pair (HAProxy + Keepalived with sdk-network). */
  public ClusterBuilder loadBalancer(Component lb) {
    return single(ComponentKind.LOAD_BALANCER, lb);
  }

  /** Replaces the default firewall (iptables with sdk-network). */
  public ClusterBuilder firewall(Component firewall) {
    return single(ComponentKind.FIREWALL, firewall);
  }

  /** Storage, monitoring, logging, ingress: installed in dependency order. */
  public ClusterBuilder addons(Component... components) {
    addons.addAll(Arrays.asList(components));
    return this;
  }

  public ClusterBuilder backup(Component backup) {
    return single(ComponentKind.BACKUP, backup);
  }

  /** Where upstream manifests come from; {@link UpstreamMirror#fromEnvironment()} by default. */
  public ClusterBuilder mirror(UpstreamMirror mirror) {
    this.mirror = mirror;
    return this;
  }

  // Setters only store (as testcontainers' withX do); a component of the wrong kind is reported by build().
  private ClusterBuilder single(ComponentKind kind, Component c) {
    if (c != null && c.kind() != kind) {
      misplaced.add(Map.entry(kind, c));
    } else {
      singles.put(kind, c);
    }
    return this;
  }

  /** Validates everything and returns the cluster, or throws listing every problem. */
  public Cluster build() {
    List<Problem> problems = setterProblems();
    if (inventory == null) {
      problems.add(Problem.missing("inventory",
          "call inventory(Inventory.load(Path.of(\"hosts\"))) with the hosts of the cluster"));
    }
    if (!problems.isEmpty() && (inventory == null || name == null || kubernetesVersion == null || ssh == null)) {
      throw new InvalidSpecException(problems); // nothing to plan without these
    }
    List<Host> hosts = selectHosts(problems);
    Optional<String> defaultBastion = Optional.of(inventory.withRole(Role.BASTION))
        .filter(b -> b.size() == 1).map(b -> b.get(0).name());
    NetworkPlan network = NetworkPlanner.plan(hosts, hostNetworks.stream().filter(java.util.Objects::nonNull).toList(),
        Optional.ofNullable(podCidr),
        Optional.ofNullable(serviceCidr), nodeCidrMaskSize);
    ClusterSpec draft = ClusterSpec.builder().name(name).topology(topology).kubernetesVersion(kubernetesVersion)
        .hosts(hosts).privateVip(Optional.ofNullable(vip)).publicVip(Optional.ofNullable(publicVip))
        .registryMirror(Optional.ofNullable(registryMirror)).network(network).ssh(ssh.settings(defaultBastion)).build();
    List<Component> components;
    try {
      components = resolveComponents(draft);
    } catch (IllegalArgumentException e) {
      problems.add(new Problem("addons", null, e.getMessage(), "remove one of the requirements that form the cycle"));
      components = List.of();
    }
    ClusterSpec spec = ClusterSpec.builder().from(draft)
        .components(components.stream().map(Component::describe).toList()).build();
    return finish(spec, components, problems, mirror, ssh);
  }

  /** What the setters stored that cannot be used: nulls, negative counts, components of the wrong kind. */
  private List<Problem> setterProblems() {
    List<Problem> p = new ArrayList<>();
    nonNull("name", name, "name(\"clustera\")", p);
    nonNull("kubernetesVersion", kubernetesVersion, "kubernetesVersion(\"" + ClusterSpec.DEFAULT_KUBERNETES_VERSION + "\")", p);
    nonNull("ssh", ssh, "ssh(Ssh.user(\"ops\"))", p);
    masters.check("masters", p);
    workers.check("workers", p);
    loadBalancers.check("loadBalancers", p);
    for (var e : misplaced) {
      p.add(new Problem(e.getKey().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), e.getValue().name(),
          "is a " + e.getValue().kind() + " component, not a " + e.getKey(), "pass it to the setter of its kind"
          + " (podNetwork, loadBalancer, firewall, backup or addons)"));
    }
    singles.forEach((kind, c) -> nonNull(kind.name().toLowerCase(java.util.Locale.ROOT), c, "pass a component", p));
    if (addons.contains(null)) {
      p.add(new Problem("addons", String.valueOf(addons), "holds null", "pass components, e.g. addons(RookCeph.defaults())"));
    }
    if (hostNetworks.contains(null)) {
      p.add(new Problem("hostNetworks", String.valueOf(hostNetworks), "holds null", "hostNetwork(\"192.168.4.0/24\")"));
    }
    return p;
  }

  private static void nonNull(String field, Object value, String fix, List<Problem> p) {
    if (value == null) {
      p.add(Problem.missing(field, "set it, e.g. " + fix));
    }
  }

  static Cluster fromSpec(ClusterSpec spec, UpstreamMirror mirror) {
    return fromSpec(spec, mirror, null);
  }

  static Cluster fromSpec(ClusterSpec given, UpstreamMirror mirror, Ssh ssh) {
    ClusterSpec spec = ssh == null ? given
        : dev.kubesmith.spec.ImmutableClusterSpec.builder().from(given).ssh(ssh.settings(given.ssh().bastion())).build();
    List<Problem> problems = new ArrayList<>();
    List<Component> components = new ArrayList<>();
    for (int i = 0; i < spec.components().size(); i++) {
      ComponentSpec cs = spec.components().get(i);
      Optional<ComponentProvider> p = Components.named(cs.name());
      if (p.isEmpty()) {
        problems.add(new Problem("components[" + i + "].name", cs.name(), "no component of that name is on the class path",
            "add the module that provides it (sdk-network, sdk-addons or sdk-backup) or remove it"));
        continue;
      }
      try {
        components.add(p.get().create(cs));
      } catch (InvalidSpecException e) {
        problems.addAll(e.problems());
      }
    }
    return finish(spec, components, problems, mirror, ssh);
  }

  private static Cluster finish(ClusterSpec spec, List<Component> components, List<Problem> problems,
      UpstreamMirror mirror, Ssh ssh) {
    problems.addAll(SpecValidator.problems(spec));
    problems.addAll(dev.kubesmith.bootstrap.HostPreparation.problems(spec)); // e.g. a Kubernetes newer than kubesmith knows
    if (problems.isEmpty()) {
      // Components read masters, VIPs and networks; they only see a structurally valid spec.
      Set<String> names = new java.util.HashSet<>();
      components.forEach(c -> names.add(c.name()));
      for (Component c : components) {
        problems.addAll(c.validate(spec));
        c.requires().stream().filter(r -> !names.contains(r)).forEach(r -> problems.add(new Problem(
            "components." + c.name(), c.name(), "needs " + r, "add " + r + " to the build, e.g. addons(...)")));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
    return new Cluster(spec, components, mirror == null ? UpstreamMirror.fromEnvironment() : mirror, ssh);
  }

  private List<Component> resolveComponents(ClusterSpec draft) {
    List<Component> out = new ArrayList<>();
    for (ComponentKind kind : List.of(ComponentKind.LOAD_BALANCER, ComponentKind.FIREWALL, ComponentKind.POD_NETWORK)) {
      Component c = singles.get(kind);
      if (c == null) {
        c = Components.defaultFor(kind, draft).map(p -> p.create(ComponentSpec.of(p.name()))).orElse(null);
      }
      if (c != null) {
        out.add(c);
      }
    }
    out.addAll(AddonOrder.sort(addons.stream().filter(java.util.Objects::nonNull).toList()));
    Optional.ofNullable(singles.get(ComponentKind.BACKUP)).ifPresent(out::add);
    return out;
  }

  private List<Host> selectHosts(List<Problem> problems) {
    Set<String> m = masters.pick(inventory, Role.MASTER, "masters", problems);
    Set<String> w = workers.pick(inventory, Role.WORKER, "workers", problems);
    Set<String> l = loadBalancers.pick(inventory, Role.LB, "loadBalancers", problems);
    List<Host> out = new ArrayList<>();
    for (Host h : inventory.hosts()) {
      EnumSet<Role> roles = EnumSet.noneOf(Role.class);
      if (m.contains(h.name())) {
        roles.add(Role.MASTER);
      }
      if (w.contains(h.name())) {
        roles.add(Role.WORKER);
      }
      if (l.contains(h.name())) {
        roles.add(Role.LB);
      }
      h.roles().stream().filter(r -> r == Role.BASTION || r == Role.NFS).forEach(roles::add);
      if (!roles.isEmpty()) {
        out.add(Host.builder().from(h).roles(roles).build());
      }
    }
    return out;
  }

  /** Hosts chosen for a role: all with the role, the first N, or by name. */
  private record Selection(boolean every, int count, List<String> names) {
    static Selection all() {
      return new Selection(true, 0, List.of());
    }

    static Selection count(int n) {
      return new Selection(false, n, List.of());
    }

    static Selection names(String... names) {
      return new Selection(false, 0, names == null ? null : Arrays.asList(names.clone()));
    }

    void check(String field, List<Problem> problems) {
      if (names == null || names.stream().anyMatch(java.util.Objects::isNull)) {
        problems.add(new Problem(field, String.valueOf(names), "holds null", "name hosts of the inventory, e.g. "
            + field + "(\"" + (field.equals("loadBalancers") ? "lb1\", \"lb2" : field.equals("masters") ? "master1" : "worker1")
            + "\")"));
      } else if (count < 0) {
        problems.add(new Problem(field, String.valueOf(count), "is negative", "ask for 0 or more, e.g. " + field + "(3)"));
      }
    }

    Set<String> pick(Inventory inv, Role role, String field, List<Problem> problems) {
      Set<String> out = new java.util.LinkedHashSet<>();
      if (!every && names != null && !names.isEmpty()) {
        for (String n : names) {
          if (n == null) {
            continue; // reported by check()
          } else if (inv.host(n).isEmpty()) {
            problems.add(new Problem(field, n, "is not in the inventory", "use one of "
                + inv.hosts().stream().map(Host::name).toList()));
          } else {
            out.add(n);
          }
        }
        return out;
      }
      List<Host> having = inv.withRole(role);
      if (!every && count > having.size()) {
        problems.add(new Problem(field, String.valueOf(count), "the inventory has only " + having.size()
            + " hosts with role " + role.label(), "add hosts with role " + role.label() + " or ask for fewer"));
      }
      having.stream().limit(every ? having.size() : Math.max(0, count)).forEach(h -> out.add(h.name()));
      return out;
    }
  }
}
