package dev.kubesmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.kube.KubernetesApi;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Readiness;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stand-ins mark what a cluster's controllers would, so the SDK's waits pass only for applied objects. */
class StandInControllersTest {
  static final String OBJECTS = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: widgets.example.com}
      spec:
        group: example.com
        names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}
        scope: Namespaced
        versions:
        - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: demo}
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: web, image: nginx}]}
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: db, namespace: demo}
      spec:
        replicas: 3
        serviceName: db
        selector: {matchLabels: {app: db}}
        template:
          metadata: {labels: {app: db}}
          spec: {containers: [{name: db, image: postgres}]}
      ---
      apiVersion: apps/v1
      kind: DaemonSet
      metadata: {name: agent, namespace: demo}
      spec:
        selector: {matchLabels: {app: agent}}
        template:
          metadata: {labels: {app: agent}}
          spec: {containers: [{name: agent, image: busybox}]}
      """;
  static final List<String> WAITS = List.of("crd/widgets.example.com", "deployment/demo/web", "statefulset/demo/db",
      "daemonset/demo/agent");

  @Test
  void marksCrdsAndWorkloadsReadySoWaitsPass() {
    try (MockApi mock = MockApi.start(); KubernetesApi api = KubernetesApi.of(mock.client())) {
      api.apply(Manifest.of("objects", OBJECTS));
      List<Readiness> waits = WAITS.stream().map(Readiness::parse).toList();
      assertThatThrownBy(() -> api.waitReady(waits, Duration.ZERO))
          .hasMessageContaining("not Established yet").hasMessageContaining("0 of 2 replicas ready");

      try (StandInControllers controllers = StandInControllers.start(mock.client())) {
        api.waitReady(waits, Duration.ofSeconds(10));
        assertThat(controllers.marked()).isEqualTo(4);
      }
    }
  }

  @Test
  void onEventsMarksObjectsAsTheyAreCreated() {
    try (MockApi mock = MockApi.start(); KubernetesApi api = KubernetesApi.of(mock.client());
         StandInControllers controllers = StandInControllers.onEvents(mock.client())) {
      api.apply(Manifest.of("objects", OBJECTS));

      api.waitReady(WAITS.stream().map(Readiness::parse).toList(), Duration.ofSeconds(10));
      // the waits can see the last status before the controller thread has counted its update
      for (long end = System.nanoTime() + 2_000_000_000L; controllers.marked() < 4 && System.nanoTime() < end; ) {
        Thread.onSpinWait();
      }
      assertThat(controllers.marked()).isEqualTo(4);
    }
  }

  @Test
  void leavesAbsentObjectsAbsentSoWaitsOnThemStillFail() {
    try (MockApi mock = MockApi.start(); KubernetesApi api = KubernetesApi.of(mock.client());
         StandInControllers controllers = StandInControllers.start(mock.client())) {
      controllers.reconcile();
      assertThatThrownBy(() -> api.waitReady(List.of(Readiness.parse("deployment/demo/web")), Duration.ofMillis(300)))
          .hasMessageContaining("deployment/demo/web: not found");
    }
  }
}
