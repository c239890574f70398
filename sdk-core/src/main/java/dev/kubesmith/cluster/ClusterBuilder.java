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
  private String podCidr;
  private String serviceCidr;
  private final List<String> hostNetworks = new ArrayList<>();
  private int nodeCidrMaskSize = 24;
  private String kubernetesVersion = ClusterSpec.DEFAULT_KUBERNETES_VERSION;
  private Ssh ssh = Ssh.root();
  private final Map<ComponentKind, Component> singles = new LinkedHashMap<>();
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

  private ClusterBuilder single(ComponentKind kind, Component c) {
    if (c.kind() != kind) {
      throw new IllegalArgumentException(c.name() + " is a " + c.kind() + " component, not a " + kind);
    }
    singles.put(kind, c);
    return this;
  }

  /** Validates everything and returns the cluster, or throws listing every problem. */
  public Cluster build() {
    List<Problem> problems = new ArrayList<>();
    if (inventory == null) {
      throw new InvalidSpecException(List.of(Problem.missing("inventory",
          "call inventory(Inventory.load(Path.of(\"hosts\"))) with the hosts of the cluster")));
    }
    List<Host> hosts = selectHosts(problems);
    Optional<String> defaultBastion = Optional.of(inventory.withRole(Role.BASTION))
        .filter(b -> b.size() == 1).map(b -> b.get(0).name());
    NetworkPlan network = NetworkPlanner.plan(hosts, hostNetworks, Optional.ofNullable(podCidr),
        Optional.ofNullable(serviceCidr), nodeCidrMaskSize);
    ClusterSpec draft = ClusterSpec.builder().name(name).topology(topology).kubernetesVersion(kubernetesVersion)
        .hosts(hosts).privateVip(Optional.ofNullable(vip)).publicVip(Optional.ofNullable(publicVip))
        .network(network).ssh(ssh.settings(defaultBastion)).build();
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
    out.addAll(AddonOrder.sort(addons));
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
  private record Selection(int count, List<String> names) {
    static Selection all() {
      return new Selection(-1, List.of());
    }

    static Selection count(int n) {
      return new Selection(n, List.of());
    }

    static Selection names(String... names) {
      return new Selection(-1, List.of(names));
    }

    Set<String> pick(Inventory inv, Role role, String field, List<Problem> problems) {
      Set<String> out = new java.util.LinkedHashSet<>();
      if (!names.isEmpty()) {
        for (String n : names) {
          if (inv.host(n).isEmpty()) {
            problems.add(new Problem(field, n, "is not in the inventory", "use one of "
                + inv.hosts().stream().map(Host::name).toList()));
          } else {
            out.add(n);
          }
        }
        return out;
      }
      List<Host> having = inv.withRole(role);
      if (count > having.size()) {
        problems.add(new Problem(field, String.valueOf(count), "the inventory has only " + having.size()
            + " hosts with role " + role.label(), "add hosts with role " + role.label() + " or ask for fewer"));
      }
      having.stream().limit(count < 0 ? having.size() : count).forEach(h -> out.add(h.name()));
      return out;
    }
  }
}
