package dev.kubesmith.cluster;

import dev.kubesmith.bootstrap.Bootstrap;
import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.PlanContext;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Topology;
import dev.kubesmith.upstream.UpstreamMirror;
import java.util.List;
import java.util.Optional;

/**
 * A validated cluster description with its components: the entry point of the SDK.
 *
 * <pre>{@code
 * Cluster cluster = Cluster.ha()
 *     .inventory(Inventory.load(Path.of("clustera_hosts")))
 *     .loadBalancers("lb1", "lb2").vip("192.168.4.130")
 *     .masters(3).workers(3)
 *     .ssh(Ssh.user("ops").privateKey(key).bastion("bastion"))
 *     .build();                 // bad input fails here, listing every problem
 * Plan plan = cluster.plan();   // a DAG of idempotent steps
 * plan.render(Path.of("out"));  // the whole build on disk, per host
 * }</pre>
 */
public final class Cluster {
  private final ClusterSpec spec;
  private final List<Component> components;
  private final UpstreamMirror mirror;
  private final Ssh ssh;

  Cluster(ClusterSpec spec, List<Component> components, UpstreamMirror mirror, Ssh ssh) {
    this.spec = spec;
    this.components = List.copyOf(components);
    this.mirror = mirror;
    this.ssh = ssh;
  }

  /** A highly available cluster: 3+ masters behind a HAProxy + Keepalived pair with floating IPs. */
  public static ClusterBuilder ha() {
    return new ClusterBuilder(Topology.HA);
  }

  /** One master, no load balancers. */
  public static ClusterBuilder singleMaster() {
    return new ClusterBuilder(Topology.SINGLE_MASTER);
  }

  /** A cluster from a spec (e.g. read from YAML), its components found by name; validated. */
  public static Cluster from(ClusterSpec spec) {
    return from(spec, UpstreamMirror.fromEnvironment());
  }

  public static Cluster from(ClusterSpec spec, UpstreamMirror mirror) {
    return ClusterBuilder.fromSpec(spec, mirror);
  }

  /**
   * A cluster from a spec, reached with these SSH settings and run-time secrets (a key passphrase)
   * instead of the spec's own, e.g. a CLI's key for a spec read from YAML; the spec's bastion stays
   * unless {@code ssh} names one. Validated.
   */
  public static Cluster from(ClusterSpec spec, UpstreamMirror mirror, Ssh ssh) {
    return ClusterBuilder.fromSpec(spec, mirror, ssh);
  }

  public ClusterSpec spec() {
    return spec;
  }

  /** The components in the order they contribute: load balancer, firewall, pod network, addons, backup. */
  public List<Component> components() {
    return components;
  }

  public Optional<Component> component(ComponentKind kind) {
    return components.stream().filter(c -> c.kind() == kind).findFirst();
  }

  public UpstreamMirror mirror() {
    return mirror;
  }

  /** SSH settings with run-time secrets (a key passphrase), when given. */
  public Optional<Ssh> ssh() {
    return Optional.ofNullable(ssh);
  }

  /** The build as a DAG of steps; touches no host. Upstream manifests are fetched from the mirror. */
  public Plan plan() {
    return plan(mirror);
  }

  /**
   * The plan {@link #apply(ApplyOptions)} runs with these options: {@link #plan()}, or with
   * {@link ApplyOptions#bundle} the offline install's plan, whose upstream manifests come from the
   * bundle and whose hosts install every package from it ({@link dev.kubesmith.bundle.OfflineInstall}).
   *
   * @throws dev.kubesmith.bundle.BundleException when a file of the bundle does not match its manifest
   */
  public Plan plan(ApplyOptions options) {
    java.util.Optional<java.nio.file.Path> bundle = options.bundle();
    if (bundle.isEmpty()) {
      return plan();
    }
    dev.kubesmith.bundle.PackageBundle.verify(bundle.get());
    return plan(UpstreamMirror.at(bundle.get().resolve(UPSTREAM_DIR)), bundle.get());
  }

  private Plan plan(UpstreamMirror from) {
    return plan(from, null);
  }

  private Plan plan(UpstreamMirror from, java.nio.file.Path bundle) {
    PlanBuilder builder = new PlanBuilder();
    spec.network().notes().forEach(builder::note);
    PlanContext ctx = new PlanContext(spec, from, builder);
    Bootstrap.contribute(ctx);
    for (Component c : components) {
      c.contribute(ctx);
    }
    return bundle == null ? builder.build(spec) : offline(builder, bundle).build(spec);
  }

  /** The plan's steps after the offline install's: a step that installs packages waits for its host's apt. */
  private PlanBuilder offline(PlanBuilder online, java.nio.file.Path bundle) {
    PlanBuilder b = new PlanBuilder();
    online.notes().forEach(b::note);
    List<dev.kubesmith.plan.Step> install = dev.kubesmith.bundle.OfflineInstall.steps(spec, bundle);
    install.forEach(b::add);
    String served = install.get(0).id();
    for (dev.kubesmith.plan.Step s : online.steps()) {
      if (s.packages().isEmpty() || s.host().isEmpty()) {
        b.add(s);
        continue;
      }
      String host = s.host().get();
      String apt = host.equals(dev.kubesmith.bundle.OfflineInstall.host(spec).name()) ? served
          : dev.kubesmith.bundle.OfflineInstall.stepId(host);
      b.add(dev.kubesmith.plan.Step.builder().from(s).addDependsOn(apt).build());
    }
    return b;
  }

  /**
   * Computes this cluster's offline bundle into a new (or empty) directory: the Debian packages
   * its hosts install ({@link dev.kubesmith.plan.Step#packages()}) with their whole dependency
   * closure from {@code sources}, as a signed apt repository, and {@value #IMAGES_FILE}, every container
   * image the plan's manifests reference (fill your registry from it), {@value #UPSTREAM_DIR}/ with every
   * upstream manifest the plan used, laid out as a mirror (give it to {@code .mirror(..)}); a manifest lists every file
   * with its SHA-256. Touches no host. Needs apt-get, dpkg-deb and gpg on this machine, which must
   * run the hosts' release (Debian 12).
   *
   * <pre>{@code
   * Path bundle = cluster.bundle(Path.of("bundle"), BundleSources.defaults(cluster.spec().kubernetesVersion()));
   * }</pre>
   */
  public java.nio.file.Path bundle(java.nio.file.Path out, dev.kubesmith.bundle.BundleSources sources) {
    UpstreamMirror used = mirror.recording();
    Plan plan = plan(used);
    // and what an apply from the bundle installs to serve it (OfflineInstall)
    java.util.SortedSet<String> packages = new java.util.TreeSet<>(plan.packages());
    packages.addAll(dev.kubesmith.bundle.OfflineInstall.PACKAGES);
    return dev.kubesmith.bundle.PackageBundle.compute(List.copyOf(packages), sources.lines(), out, repository -> {
      // kubeadm's own images (control plane, etcd, CoreDNS, kube-proxy, pause) are in no manifest: the
      // bundle's kubeadm says which, for the spec's version (they change with kubeadm's patch releases)
      java.util.SortedSet<String> images = new java.util.TreeSet<>(plan.images());
      List<String> kubeadm = dev.kubesmith.bundle.PackageBundle.kubeadmImages(repository, "v" + spec.kubernetesVersion());
      images.addAll(kubeadm);
      StringBuilder text = new StringBuilder();
      if (kubeadm.isEmpty()) {
        text.append("# kubeadm's own images are not listed: the bundle's kubeadm did not list them; run\n")
            .append("# kubeadm config images list --kubernetes-version v").append(spec.kubernetesVersion()).append('\n');
      }
      images.forEach(i -> text.append(i).append('\n'));
      java.util.Map<String, String> files = new java.util.TreeMap<>();
      files.put(IMAGES_FILE, text.toString());
      // the upstream manifests the plan used, laid out as a mirror: UpstreamMirror.at(<bundle>/upstream)
      used.fetched().forEach((file, content) -> files.put(UPSTREAM_DIR + "/" + file.mirrorPath(), content));
      return files;
    });
  }

  /** The bundle's list of container images, one reference per line. */
  public static final String IMAGES_FILE = "images.txt";
  /** The bundle's directory of upstream manifests, a mirror for {@code UpstreamMirror.at(..)} / {@code --mirror}. */
  public static final String UPSTREAM_DIR = "upstream";

  /**
   * Builds the cluster over SSH: runs the plan's steps (host steps over SSH through the bastion,
   * cluster steps through the Kubernetes API), skipping what the journal or a step's check finds
   * done, and writes admin.conf (0600) to the state directory. A failed build run again resumes.
   */
  public dev.kubesmith.exec.BuildResult apply(dev.kubesmith.exec.BuildListener listener) {
    return apply(ApplyOptions.defaults().listener(listener));
  }

  public dev.kubesmith.exec.BuildResult apply(ApplyOptions options) {
    return ClusterApply.run(this, options);
  }

  /**
   * Runs a plan of one-off operations on this cluster's hosts and API, e.g. an etcd snapshot now or
   * an etcd restore ({@code EtcdRestore.from(file).plan(cluster.spec())} in sdk-backup). The steps
   * run over the same SSH and API paths as {@link #apply(ApplyOptions)}, while holding the build's
   * lock (so never beside a build of this cluster), and are not journaled: each run does them again.
   */
  public dev.kubesmith.exec.BuildResult run(dev.kubesmith.plan.Plan operations, ApplyOptions options) {
    return ClusterApply.run(this, operations, options, true);
  }

  @Override
  public String toString() {
    return "Cluster{" + spec.name() + ", " + spec.topology() + ", " + spec.hosts().size() + " hosts}";
  }
}
