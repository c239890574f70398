package dev.kubesmith.exec;

import java.time.Duration;
import java.util.List;

/** What a build did: the steps it ran, the steps it found already done, and its wall time. */
public record BuildResult(List<String> ran, List<String> skipped, Duration wallTime) {
  public BuildResult {
    ran = List.copyOf(ran);
    skipped = List.copyOf(skipped);
  }

  /** True when every step was already done: the cluster already matched the plan. */
  public boolean changedNothing() {
    return ran.isEmpty();
  }
}
