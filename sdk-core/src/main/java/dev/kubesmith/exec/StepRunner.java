package dev.kubesmith.exec;

import dev.kubesmith.plan.Step;

/**
 * Carries out steps: over SSH for host steps ({@link SshStepRunner}), through the Kubernetes API for
 * cluster steps. Throws {@link StepFailedException} (or {@link TransientStepException} for faults
 * worth retrying); must be safe to call from several threads for different hosts.
 */
public interface StepRunner extends AutoCloseable {
  /** Whether the step's effect is already there (its check succeeds); false when it has no check. */
  boolean alreadyDone(Step step, StepContext context);

  void run(Step step, StepContext context);

  /** Releases connections; the executor calls it when the build ends, however it ends. */
  @Override
  default void close() {}
}
