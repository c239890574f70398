package dev.kubesmith.component;

import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ComponentSpec;
import dev.kubesmith.spec.Problem;
import java.util.List;
import java.util.Set;

/**
 * A part of the build that contributes steps to the plan: the load balancer pair, the firewall,
 * the pod network, an addon, a backup target. Components are found by name through
 * {@link ComponentProvider} and {@code ServiceLoader}, so a caller can replace any of them.
 *
 * <pre>{@code
 * final class MyCni implements Component {
 *   public String name() { return "my-cni"; }
 *   public ComponentKind kind() { return ComponentKind.POD_NETWORK; }
 *   public void contribute(PlanContext ctx) {
 *     ctx.add(Step.builder().id("my-cni").phase(Phase.POD_NETWORK).description("my CNI")
 *         .addManifests(Manifest.of("my-cni", yaml)).build());
 *   }
 * }
 * }</pre>
 */
public interface Component {
  /** Unique name, as in the YAML spec and on the command line. */
  String name();

  ComponentKind kind();

  /** Names of components that must be in the build and installed first. */
  default Set<String> requires() {
    return Set.of();
  }

  /** Problems with the spec as this component sees it; the build fails with all of them at once. */
  default List<Problem> validate(ClusterSpec spec) {
    return List.of();
  }

  /** Adds this component's steps to the plan. */
  void contribute(PlanContext context);

  /** The component as data for the YAML spec; its provider recreates it from this. */
  default ComponentSpec describe() {
    return ComponentSpec.of(name());
  }
}
