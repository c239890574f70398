package dev.kubesmith.network.testing;

import dev.kubesmith.component.Component;
import dev.kubesmith.component.PlanContext;
import dev.kubesmith.plan.Facts;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.upstream.UpstreamMirror;

/** Builds plans as the core bootstrap will: stand-in {@code facts@<host>} and {@code prepare@<host>} steps first, then components. */
public final class Plans {
  private Plans() {}

  /** A plan builder holding a stand-in {@code prepare@<host>} step for every host, and a stand-in kubeadm init. */
  public static PlanBuilder withCoreStandIns(ClusterSpec spec) {
    PlanBuilder b = new PlanBuilder();
    for (Host h : spec.hosts()) {
      b.add(Step.builder().id(Facts.stepId(h.name())).phase(Phase.PREPARE_HOSTS).host(h.name())
          .description("stand-in for the core's facts step").build());
      b.add(Step.builder().id("prepare@" + h.name()).phase(Phase.PREPARE_HOSTS).host(h.name())
          .description("stand-in for the core's host preparation").build());
    }
    Host first = spec.masters().get(0);
    b.add(Step.builder().id("kubeadm-init@" + first.name()).phase(Phase.CONTROL_PLANE).host(first.name())
        .description("stand-in for the core's kubeadm init").addAfterPhases(Phase.LOAD_BALANCER).build());
    return b;
  }

  /** The checked plan of the given components over the core stand-ins, fetching upstream from the test mirror. */
  public static Plan of(ClusterSpec spec, Component... components) {
    PlanBuilder b = withCoreStandIns(spec);
    PlanContext ctx = new PlanContext(spec, UpstreamMirror.fromEnvironment(), b);
    for (Component c : components) {
      c.contribute(ctx);
    }
    return b.build(spec);
  }
}
