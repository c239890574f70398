package dev.kubesmith.network.cni;

import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.PlanContext;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ComponentSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Problem;
import dev.kubesmith.spec.Topology;
import dev.kubesmith.upstream.UpstreamFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The pod network: Calico from its pinned upstream manifest, patched by {@link CalicoManifest} with
 * the spec's pod CIDR and with IP autodetection by reaching the first load balancer's private IP
 * (HA) or the master's (single master), so that pod traffic uses the private interface.
 * Contributes the cluster step {@code calico} in phase {@link Phase#POD_NETWORK}, after the control plane.
 *
 * <pre>{@code
 * Component cni = Calico.defaults();
 * cni.contribute(new PlanContext(spec, UpstreamMirror.at("/srv/mirror"), planBuilder));
 * }</pre>
 */
public final class Calico implements Component {
  /** The component's name in the YAML spec. */
  public static final String NAME = "calico";
  /** The pinned upstream manifest. */
  public static final UpstreamFile MANIFEST = new UpstreamFile("calico", "v3.32.1", "calico/calico.yaml",
      "https://raw.githubusercontent.com/projectcalico/calico/v3.32.1/manifests/calico.yaml",
      "a1df919d9721cf667accdc3e72848911b0cb25cfab7d2478ad0c996302c95744");

  private static final Calico INSTANCE = new Calico(Map.of());

  /** Settings given in the YAML spec; Calico has none here, so any is reported by validate. */
  private final Map<String, String> settings;

  private Calico(Map<String, String> settings) {
    this.settings = Map.copyOf(settings);
  }

  public static Calico defaults() {
    return INSTANCE;
  }

  /** Calico from its YAML form; settings, which it has none of, are reported by {@link #validate(ClusterSpec)}. */
  public static Calico of(ComponentSpec spec) {
    return spec.settings().isEmpty() ? INSTANCE : new Calico(spec.settings());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ComponentKind kind() {
    return ComponentKind.POD_NETWORK;
  }

  /** The address every node's calico-node reaches to find its private address. */
  public static Optional<String> autodetectTarget(ClusterSpec spec) {
    List<Host> candidates = spec.topology() == Topology.HA ? spec.loadBalancers() : spec.masters();
    return candidates.stream().findFirst().map(Host::privateIp);
  }

  @Override
  public List<Problem> validate(ClusterSpec spec) {
    List<Problem> p = new ArrayList<>();
    if (autodetectTarget(spec).isEmpty()) {
      String role = spec.topology() == Topology.HA ? "lb" : "master";
      p.add(new Problem("hosts", null, "no host has role " + role + ", so Calico has no address to detect"
          + " each node's private IP by", "add a host with role " + role));
    }
    new TreeMap<>(settings).forEach((k, v) -> p.add(new Problem("components[" + NAME + "].settings." + k, v,
        "is not a setting: calico has none", "remove it")));
    return p;
  }

  @Override
  public void contribute(PlanContext context) {
    ClusterSpec spec = context.spec();
    String target = autodetectTarget(spec).orElseThrow(() -> new IllegalStateException(validate(spec).get(0).message()));
    String yaml = CalicoManifest.patch(context.mirror().fetch(MANIFEST), spec.network().podCidr(), target);
    context.add(Step.builder()
        .id(NAME)
        .phase(Phase.POD_NETWORK)
        .description("Calico " + MANIFEST.version() + " with pod CIDR " + spec.network().podCidr()
            + ", node addresses detected by reaching " + target)
        .addAfterPhases(Phase.CONTROL_PLANE)
        .addManifests(Manifest.of(NAME, yaml))
        .estimate(Duration.ofSeconds(90))
        .build());
  }

  @Override
  public ComponentSpec describe() {
    return ComponentSpec.of(NAME, settings);
  }

  @Override
  public String toString() {
    return NAME + " " + MANIFEST.version();
  }
}
