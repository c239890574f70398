package dev.kubesmith.addons.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.exec.StepFailedException;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Readiness;
import dev.kubesmith.plan.Step;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tier 2, what every addon owes against fabric8's CRUD mock ({@link MockCluster}): its plan's API
 * steps applied onto an empty cluster, then again. A subclass gives the plan and a workload to break,
 * and asserts its own objects on {@link #first}; the contract checks the rest: every step ran, in
 * plan order, namespaces and CRDs (waited Established) before what needs them; every object carries
 * kubesmith's field manager and hash; a second run only looks; a workload that is not ready fails
 * its step naming it and its events, and the next run redoes at most that step.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AddonApiContract {
  /** How long the failing run waits before it gives up: a failure must not take long. */
  private static final Duration SHORT_TIMEOUT = Duration.ofMillis(600);

  protected MockCluster cluster;
  protected Plan plan;
  /** The run onto the empty cluster. */
  protected Run first;
  /** The same plan once more, without the stand-in controllers. */
  protected Run second;

  /** The plan whose API steps run, e.g. {@code Plans.of(Clusters.ha(), Traefik.ha())}. */
  protected abstract Plan plan();

  /** A workload the plan waits for, as {@link Readiness#parse} reads it, that the failure test breaks. */
  protected abstract String workloadToBreak();

  /**
   * What the cluster has before the addon, e.g. the storage its volume claims need (the stand-in
   * controllers bind a claim only through a running CSI driver, as a real cluster does).
   */
  protected void given(MockCluster cluster) {}

  @BeforeAll
  void applyTwice() {
    plan = plan();
    cluster = MockCluster.start();
    given(cluster);
    first = cluster.apply(plan);
    second = cluster.apply(plan, false, MockCluster.READY_TIMEOUT);
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void runsEveryApiStepInPlanOrderWithNamespacesAndEstablishedCrdsFirst() {
    assertThat(first.alreadyApplied()).isEmpty();
    assertThat(first.stepsRun()).isNotEmpty()
        .containsExactlyElementsOf(MockCluster.apiSteps(plan).stream().map(Step::id).toList());
    assertThat(first.orderProblems()).isEmpty();
    assertThat(first.stepsRun()).allSatisfy(s -> assertThat(first.applied(s)).as("objects of step " + s).isNotEmpty());
  }

  @Test
  void leavesEveryObjectWithKubesmithsFieldManagerAndAppliedHash() {
    assertThat(first.fieldManagers()).containsExactly("kubesmith force=true");
    assertThat(cluster.withoutAppliedHash(first)).isEmpty();
  }

  @Test
  void aSecondRunFindsEveryStepAppliedAndWritesNothing() {
    assertThat(second.alreadyApplied()).containsExactlyElementsOf(first.stepsRun());
    assertThat(second.stepsRun()).isEmpty();
    assertThat(second.writes()).isEmpty();
    assertThat(second.requestsByStep().values()).allSatisfy(looked -> assertThat(looked).isNotEmpty());
  }

  @Test
  void aWorkloadThatIsNotReadyFailsItsStepNamingItThenTheNextRunRedoesAtMostThatStep() {
    Readiness broken = Readiness.parse(workloadToBreak());
    String step = plan.steps().stream().filter(s -> s.waitFor().contains(workloadToBreak())).findFirst().orElseThrow().id();
    cluster.breaks(workloadToBreak(), "BackOff", "Back-off restarting failed container " + broken.name());

    assertThatThrownBy(() -> cluster.apply(plan, false, SHORT_TIMEOUT))
        .isInstanceOf(StepFailedException.class)
        .hasMessageContaining("step " + step + " failed on the Kubernetes API")
        .hasMessageContaining(workloadToBreak() + ": 0 of ")
        .hasMessageContaining("BackOff: Back-off restarting failed container " + broken.name());

    // the stand-ins make it ready again, maybe before the run looks at the step: then nothing is redone
    Run resumed = cluster.apply(plan);
    assertThat(resumed.stepsRun()).isSubsetOf(step);
    assertThat(resumed.applied()).isSubsetOf(first.applied(step));
  }
}
