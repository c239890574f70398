package dev.kubesmith.addons.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.kube.KubernetesApi;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks the addon tests rely on find what they are for, so an addon's empty list of problems means something. */
class MockClusterTest {
  static final String CRD = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: widgets.example.com}
      spec:
        group: example.com
        names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}
        scope: Namespaced
        versions:
        - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
      """;
  static final String WIDGET = """
      apiVersion: example.com/v1
      kind: Widget
      metadata: {name: %s, namespace: demo}
      """;
  static final String CONFIG = """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: settings, namespace: demo}
      data: {a: "1"}
      """;
  static final String NAMESPACE = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: demo}
      """;

  @Test
  void namesObjectsBeforeTheirNamespaceAndCustomResourcesBeforeTheirCrdIsWaitedFor() {
    Plan plan = plan(
        step("config", List.of(), CONFIG, NAMESPACE),
        step("crd-and-widget", List.of(), CRD, WIDGET.formatted("same-step")),
        step("widget", List.of("crd-and-widget"), WIDGET.formatted("later-step")));

    try (MockCluster cluster = MockCluster.start()) {
      Run run = cluster.apply(plan, false, MockCluster.READY_TIMEOUT);

      assertThat(run.applied()).containsExactly("configmaps demo/settings", "namespaces demo",
          "customresourcedefinitions.apiextensions.k8s.io widgets.example.com", "widgets.example.com demo/same-step",
          "widgets.example.com demo/later-step");
      assertThat(run.orderProblems()).containsExactly(
          "configmaps demo/settings (step config) before its namespace",
          "widgets.example.com demo/same-step in the same step as CRD widgets.example.com (crd-and-widget)",
          "widgets.example.com demo/later-step (step widget) after step crd-and-widget, which does not wait for CRD"
              + " widgets.example.com to be Established");
    }
  }

  @Test
  void namesAnObjectThatLostItsAppliedHashAndSeesWritesOnARerun() {
    Plan plan = plan(step("config", List.of(), NAMESPACE, CONFIG));

    try (MockCluster cluster = MockCluster.start()) {
      Run first = cluster.apply(plan);
      assertThat(cluster.withoutAppliedHash(first)).isEmpty();
      cluster.client().configMaps().inNamespace("demo").withName("settings")
          .edit(cm -> { cm.getMetadata().getAnnotations().remove(KubernetesApi.APPLIED_HASH); return cm; });

      assertThat(cluster.withoutAppliedHash(first)).containsExactly("configmaps demo/settings");
      Run second = cluster.apply(plan, false, MockCluster.READY_TIMEOUT);
      assertThat(second.stepsRun()).containsExactly("config");
      assertThat(second.writes()).isNotEmpty().allMatch(w -> w.startsWith("PATCH "));
      assertThat(second.fieldManagers()).containsExactly("kubesmith force=true");
    }
  }

  private static Step step(String id, List<String> dependsOn, String... documents) {
    return Step.builder().id(id).phase(Phase.ADDONS).description(id).addAllDependsOn(dependsOn)
        .addManifests(Manifest.of(id, String.join("---\n", documents))).build();
  }

  private static Plan plan(Step... steps) {
    PlanBuilder b = new PlanBuilder();
    for (Step s : steps) {
      b.add(s);
    }
    return b.build(Clusters.ha());
  }
}
