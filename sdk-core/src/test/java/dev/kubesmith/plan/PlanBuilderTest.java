package dev.kubesmith.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.SeedCluster;
import dev.kubesmith.spec.ClusterSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PlanBuilderTest {
  private static final ClusterSpec SPEC = SeedCluster.ha();

  private static Step step(String id, Phase phase, String... dependsOn) {
    return Step.builder().id(id).phase(phase).description(id).addDependsOn(dependsOn).build();
  }

  private static List<String> ids(Plan plan) {
    return plan.steps().stream().map(Step::id).toList();
  }

  @Test
  void rejectsTwoStepsWithOneId() {
    PlanBuilder b = new PlanBuilder().add(step("prepare@master1", Phase.PREPARE_HOSTS));

    assertThatThrownBy(() -> b.add(step("prepare@master1", Phase.FIREWALL)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("two steps have the id prepare@master1");
  }

  @Test
  void rejectsADependencyOnAnUnknownStep() {
    PlanBuilder b = new PlanBuilder().add(step("a", Phase.PREPARE_HOSTS)).add(step("b", Phase.FIREWALL, "a", "nope"));

    assertThatThrownBy(() -> b.build(SPEC))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("step b depends on unknown step nope");
  }

  @Test
  void rejectsACycleNamingItsSteps() {
    PlanBuilder b = new PlanBuilder()
        .add(step("free", Phase.PREPARE_HOSTS))
        .add(step("x", Phase.FIREWALL, "free", "z"))
        .add(step("y", Phase.FIREWALL, "x"))
        .add(step("z", Phase.FIREWALL, "y"));

    assertThatThrownBy(() -> b.build(SPEC))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cycle")
        .hasMessageContaining("x").hasMessageContaining("y").hasMessageContaining("z")
        .hasMessageNotContaining("free");
  }

  @Test
  void rejectsAStepThatDependsOnItself() {
    PlanBuilder b = new PlanBuilder().add(step("loop", Phase.NODES, "loop"));

    assertThatThrownBy(() -> b.build(SPEC)).isInstanceOf(IllegalStateException.class).hasMessageContaining("[loop]");
  }

  @Test
  void resolvesPhaseDependenciesIntoStepIds() {
    PlanBuilder b = new PlanBuilder()
        .add(step("lb@lb1", Phase.LOAD_BALANCER))
        .add(step("fw@master1", Phase.FIREWALL))
        .add(step("lb@lb2", Phase.LOAD_BALANCER))
        .add(Step.builder().id("init").phase(Phase.CONTROL_PLANE).description("init").addDependsOn("fw@master1")
            .addAfterPhases(Phase.LOAD_BALANCER, Phase.FIREWALL, Phase.BACKUP).build());

    Plan plan = b.build(SPEC);

    Step init = plan.requireStep("init");
    assertThat(init.dependsOn()).containsExactly("fw@master1", "lb@lb1", "lb@lb2");
    assertThat(init.afterPhases()).isEmpty();
  }

  @Test
  void resolvesAPhaseDependencyOnTheStepsOwnPhaseWithoutItself() {
    PlanBuilder b = new PlanBuilder()
        .add(step("a", Phase.ADDONS))
        .add(Step.builder().id("b").phase(Phase.ADDONS).description("b").addAfterPhases(Phase.ADDONS).build());

    assertThat(b.build(SPEC).requireStep("b").dependsOn()).containsExactly("a");
  }

  @Test
  void ordersStepsAfterTheirDependencies() {
    PlanBuilder b = new PlanBuilder()
        .add(step("d", Phase.NODES, "b", "c"))
        .add(step("b", Phase.CONTROL_PLANE, "a"))
        .add(step("c", Phase.CONTROL_PLANE, "a"))
        .add(step("a", Phase.PREPARE_HOSTS));

    assertThat(ids(b.build(SPEC))).containsExactly("a", "b", "c", "d");
  }

  @Test
  void keepsTheAddedOrderAmongStepsReadyTogether() {
    PlanBuilder b = new PlanBuilder()
        .add(step("prepare@m2", Phase.PREPARE_HOSTS))
        .add(step("prepare@m1", Phase.PREPARE_HOSTS))
        .add(step("init@m1", Phase.CONTROL_PLANE, "prepare@m1"))
        .add(step("join@w2", Phase.JOIN_WORKERS, "init@m1"))
        .add(step("join@w1", Phase.JOIN_WORKERS, "init@m1"));

    assertThat(ids(b.build(SPEC))).containsExactly("prepare@m2", "prepare@m1", "init@m1", "join@w2", "join@w1");
  }

  @Test
  void keepsTheOrderStepsWereAddedWhenThatOrderIsAlreadyTopological() {
    // ARCHITECTURE.md: "orders steps topologically (stable: ties keep the order components added them)";
    // PlanBuilder: "taking ready steps in the order they were added".
    PlanBuilder b = new PlanBuilder()
        .add(step("a", Phase.PREPARE_HOSTS))
        .add(step("b", Phase.PREPARE_HOSTS, "a"))
        .add(step("c", Phase.PREPARE_HOSTS))
        .add(step("d", Phase.PREPARE_HOSTS, "c"));

    assertThat(ids(b.build(SPEC))).containsExactly("a", "b", "c", "d");
  }

  @Test
  void keepsNotesInTheOrderTheyWereAdded() {
    Plan plan = new PlanBuilder().note("first").note("second").add(step("a", Phase.NODES)).build(SPEC);

    assertThat(plan.notes()).containsExactly("first", "second");
    assertThat(plan.spec()).isSameAs(SPEC);
  }

  /**
   * a(10) -> b(20) -> d(1)
   *   \---> c(5) ----/
   * e(25), no dependencies
   */
  private static Plan smallDag() {
    return new PlanBuilder()
        .add(step("a", Phase.PREPARE_HOSTS))
        .add(step("e", Phase.PREPARE_HOSTS))
        .add(step("c", Phase.CONTROL_PLANE, "a"))
        .add(step("b", Phase.CONTROL_PLANE, "a"))
        .add(step("d", Phase.NODES, "c", "b"))
        .build(SPEC);
  }

  private static final Function<Step, Duration> DURATIONS = s -> Duration.ofSeconds(
      Map.of("a", 10, "b", 20, "c", 5, "d", 1, "e", 25).get(s.id()));

  @Test
  void findsTheCriticalPathOfASmallDag() {
    assertThat(smallDag().criticalPath(DURATIONS)).isEqualTo(Duration.ofSeconds(31));
  }

  @Test
  void findsTheCriticalChainOfASmallDag() {
    assertThat(smallDag().criticalChain(DURATIONS)).containsExactly("a", "b", "d");
  }

  @Test
  void findsALonelyLongStepAsTheCriticalChain() {
    Function<Step, Duration> eSlow = s -> s.id().equals("e") ? Duration.ofMinutes(5) : DURATIONS.apply(s);

    assertThat(smallDag().criticalPath(eSlow)).isEqualTo(Duration.ofMinutes(5));
    assertThat(smallDag().criticalChain(eSlow)).containsExactly("e");
  }

  @Test
  void usesEachStepsEstimateByDefault() {
    Plan plan = new PlanBuilder()
        .add(Step.builder().id("a").phase(Phase.PREPARE_HOSTS).description("a").estimate(Duration.ofSeconds(90)).build())
        .add(Step.builder().id("b").phase(Phase.NODES).description("b").addDependsOn("a").build())
        .build(SPEC);

    assertThat(plan.criticalPath(Step::estimate)).isEqualTo(Duration.ofSeconds(95));
  }

  @Test
  void findsStepsByIdAndHost() {
    Plan plan = new PlanBuilder()
        .add(Step.builder().id("x@m1").phase(Phase.PREPARE_HOSTS).host("m1").description("x").build())
        .add(Step.builder().id("y@m2").phase(Phase.PREPARE_HOSTS).host("m2").description("y").build())
        .add(Step.builder().id("api").phase(Phase.NODES).description("api").build())
        .build(SPEC);

    assertThat(plan.stepsOn("m1")).extracting(Step::id).containsExactly("x@m1");
    assertThat(plan.step("nope")).isEmpty();
    assertThatThrownBy(() -> plan.requireStep("nope")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no step 'nope'");
  }

  @Test
  void refusesStepIdsAndFilesThatCouldEscapeTheirPlace() {
    assertThatThrownBy(() -> step("bad id", Phase.NODES)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FileArtifact.of("etc/hosts", "")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absolute");
    assertThatThrownBy(() -> FileArtifact.of("/etc/../root/x", "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Manifest.of("../calico", "")).isInstanceOf(IllegalArgumentException.class);
    assertThat(FileArtifact.of("/etc/kubernetes/kubeadm-join.yaml", "", 0600).modeOctal()).isEqualTo("0600");
  }
}
