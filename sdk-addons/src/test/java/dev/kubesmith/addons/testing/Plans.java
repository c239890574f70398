package dev.kubesmith.addons.testing;

import dev.kubesmith.component.Component;
import dev.kubesmith.component.PlanContext;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.upstream.UpstreamMirror;

/** Plans of addons over a stand-in for the core's node phase, fetching upstream from the test mirror. */
public final class Plans {
  /** Id of the stand-in step in {@link Phase#NODES}. */
  public static final String NODES_READY = "nodes-ready";

  private Plans() {}

  public static Plan of(ClusterSpec spec, Component... components) {
    return of(spec, UpstreamMirror.fromEnvironment(), components);
  }

  /** The plan with upstream files from the given mirror, e.g. one of {@link Mirrors}. */
  public static Plan of(ClusterSpec spec, UpstreamMirror mirror, Component... components) {
    PlanBuilder b = new PlanBuilder();
    b.add(Step.builder().id(NODES_READY).phase(Phase.NODES).description("stand-in for the core's wait for nodes").build());
    PlanContext ctx = new PlanContext(spec, mirror, b);
    for (Component c : components) {
      c.contribute(ctx);
    }
    return b.build(spec);
  }
}
