package dev.kubesmith.component;

import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.upstream.UpstreamMirror;
import java.util.List;

/** What a component sees while it contributes: the validated spec, the upstream mirror and the plan so far. */
public final class PlanContext {
  private final ClusterSpec spec;
  private final UpstreamMirror mirror;
  private final PlanBuilder plan;

  public PlanContext(ClusterSpec spec, UpstreamMirror mirror, PlanBuilder plan) {
    this.spec = spec;
    this.mirror = mirror;
    this.plan = plan;
  }

  public ClusterSpec spec() {
    return spec;
  }

  /** Where upstream manifests are fetched from, by version and checksum. */
  public UpstreamMirror mirror() {
    return mirror;
  }

  public PlanContext add(Step step) {
    plan.add(step);
    return this;
  }

  /** Something the user should read in the plan, e.g. a DNS record to create. */
  public PlanContext note(String note) {
    plan.note(note);
    return this;
  }

  public List<String> idsIn(Phase phase) {
    return plan.idsIn(phase);
  }

  public List<Step> steps() {
    return plan.steps();
  }
}
