package dev.kubesmith.backup.testing;

import dev.kubesmith.component.Component;
import dev.kubesmith.component.PlanContext;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.upstream.UpstreamMirror;

/** Plans of the backup component over stand-ins for the core's control-plane and node phases, from the test mirror. */
public final class Plans {
  public static final String CONTROL_PLANE = "control-plane";
  public static final String NODES_READY = "nodes-ready";

  private Plans() {}

  public static Plan of(ClusterSpec spec, Component... components) {
    PlanBuilder b = new PlanBuilder();
    b.add(Step.builder().id(CONTROL_PLANE).phase(Phase.CONTROL_PLANE).description("stand-in for kubeadm init").build());
    b.add(Step.builder().id(NODES_READY).phase(Phase.NODES).description("stand-in for the core's wait for nodes").build());
    PlanContext ctx = new PlanContext(spec, UpstreamMirror.fromEnvironment(), b);
    for (Component c : components) {
      c.contribute(ctx);
    }
    return b.build(spec);
  }
}
