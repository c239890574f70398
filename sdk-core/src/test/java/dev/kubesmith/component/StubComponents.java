package dev.kubesmith.component;

import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ComponentSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.InvalidSpecException;
import dev.kubesmith.spec.Problem;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Small components standing in for sdk-network's in core tests. The providers are registered in
 * the test class path's {@code META-INF/services}; they are defaults only for a cluster named
 * {@value #DEFAULTS_CLUSTER}, so every other test sees sdk-core alone (no default components).
 *
 * <pre>{@code
 * Cluster c = Cluster.ha().name(StubComponents.DEFAULTS_CLUSTER).inventory(inv).vip(vip).build();
 * // c.components(): stub-lb, stub-cni
 * }</pre>
 */
public final class StubComponents {
  /** The cluster name for which the stub load balancer and pod network are the ServiceLoader defaults. */
  public static final String DEFAULTS_CLUSTER = "stub-defaults";

  private StubComponents() {}

  /** A pod network applying one manifest through the API once the control plane is up. */
  public static final class PodNetwork implements Component {
    private final Map<String, String> settings;

    public PodNetwork(Map<String, String> settings) {
      this.settings = new TreeMap<>(settings);
    }

    @Override
    public String name() {
      return "stub-cni";
    }

    @Override
    public ComponentKind kind() {
      return ComponentKind.POD_NETWORK;
    }

    @Override
    public void contribute(PlanContext ctx) {
      ctx.add(Step.builder().id("stub-cni").phase(Phase.POD_NETWORK).description("stub pod network")
          .addAfterPhases(Phase.CONTROL_PLANE)
          .addManifests(Manifest.of("stub-cni", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stub-cni\ndata:\n  podCidr: "
              + ctx.spec().network().podCidr() + "\n"))
          .build());
    }

    @Override
    public ComponentSpec describe() {
      return ComponentSpec.of(name(), settings);
    }
  }

  public static final class PodNetworkProvider implements ComponentProvider {
    @Override
    public String name() {
      return "stub-cni";
    }

    @Override
    public ComponentKind kind() {
      return ComponentKind.POD_NETWORK;
    }

    @Override
    public boolean isDefaultFor(ClusterSpec spec) {
      return DEFAULTS_CLUSTER.equals(spec.name());
    }

    /** Refuses an mtu that is not a number, as a real CNI provider would. */
    @Override
    public Component create(ComponentSpec spec) {
      String mtu = spec.settings().get("mtu");
      if (mtu != null && !mtu.matches("\\d+")) {
        throw new InvalidSpecException(List.of(new Problem("components.stub-cni.mtu", mtu, "is not a number", "write e.g. 1440")));
      }
      return new PodNetwork(spec.settings());
    }
  }

  /** A load balancer writing one file on each lb host. */
  public static final class LoadBalancer implements Component {
    @Override
    public String name() {
      return "stub-lb";
    }

    @Override
    public ComponentKind kind() {
      return ComponentKind.LOAD_BALANCER;
    }

    @Override
    public void contribute(PlanContext ctx) {
      StringBuilder backends = new StringBuilder();
      for (Host m : ctx.spec().masters()) {
        backends.append(m.name()).append(' ').append(m.privateIp()).append(":6443\n");
      }
      for (Host lb : ctx.spec().loadBalancers()) {
        ctx.add(Step.builder().id("stub-lb@" + lb.name()).phase(Phase.LOAD_BALANCER).host(lb.name())
            .description("stub load balancer").addDependsOn("prepare@" + lb.name())
            .addFiles(FileArtifact.of("/etc/stub-lb/backends", backends.toString()))
            .addCommands("true").build());
      }
    }
  }

  public static final class LoadBalancerProvider implements ComponentProvider {
    @Override
    public String name() {
      return "stub-lb";
    }

    @Override
    public ComponentKind kind() {
      return ComponentKind.LOAD_BALANCER;
    }

    @Override
    public boolean isDefaultFor(ClusterSpec spec) {
      return DEFAULTS_CLUSTER.equals(spec.name()) && !spec.loadBalancers().isEmpty();
    }

    @Override
    public Component create(ComponentSpec spec) {
      return new LoadBalancer();
    }
  }

  /** An addon with a name and the addons it requires; never registered, passed to the builder. */
  public static final class Addon implements Component {
    private final String name;
    private final Set<String> requires;

    public Addon(String name, String... requires) {
      this.name = name;
      this.requires = new LinkedHashSet<>(List.of(requires));
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public ComponentKind kind() {
      return ComponentKind.ADDON;
    }

    @Override
    public Set<String> requires() {
      return requires;
    }

    @Override
    public void contribute(PlanContext ctx) {
      ctx.add(Step.builder().id("addon-" + name).phase(Phase.ADDONS).description("addon " + name)
          .addAfterPhases(Phase.NODES).build());
    }
  }
}
