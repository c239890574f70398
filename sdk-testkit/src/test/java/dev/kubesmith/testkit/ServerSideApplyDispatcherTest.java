package dev.kubesmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.kube.KubernetesApi;
import dev.kubesmith.plan.Manifest;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.Test;

/** Server-side apply onto an existing object is a JSON merge patch (RFC 7386): lists are replaced, not appended to. */
class ServerSideApplyDispatcherTest {
  static final String STATEFUL_SET = """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: elasticsearch, namespace: logging, labels: {app: es}}
      spec:
        replicas: %d
        serviceName: elasticsearch
        selector: {matchLabels: {app: es}}
        template:
          metadata: {labels: {app: es}}
          spec: {containers: [{name: es, image: elasticsearch}]}
        volumeClaimTemplates:
        - metadata: {name: data}
          spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 40Gi}}}
      """;

  @Test
  void reApplyingKeepsListsAsAppliedAndMergesObjects() {
    try (MockApi mock = MockApi.start(); KubernetesApi api = KubernetesApi.of(mock.server().createClient())) {
      api.apply(Manifest.of("es", STATEFUL_SET.formatted(3)));
      api.apply(Manifest.of("es", STATEFUL_SET.formatted(3)));
      api.apply(Manifest.of("es", STATEFUL_SET.formatted(5)));

      StatefulSet es = mock.client().apps().statefulSets().inNamespace("logging").withName("elasticsearch").get();
      assertThat(es.getSpec().getVolumeClaimTemplates()).hasSize(1);
      assertThat(es.getSpec().getTemplate().getSpec().getContainers()).hasSize(1);
      assertThat(es.getSpec().getReplicas()).isEqualTo(5);
      assertThat(es.getMetadata().getLabels()).containsEntry("app", "es");
      assertThat(api.isApplied(Manifest.of("es", STATEFUL_SET.formatted(5)))).isTrue();
    }
  }
}
