package dev.kubesmith.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.plan.Manifest;
import dev.kubesmith.testkit.ServerSideApplyDispatcher;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import org.junit.jupiter.api.Test;

/** Tier 2: custom resources through KubernetesApi, against the CRUD mock, which serves a CRD's group once it is applied. */
class CustomResourceApplyTest {
  static final String CRD = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata:
        name: operatorconfigs.csi.ceph.io
      spec:
        group: csi.ceph.io
        names: {kind: OperatorConfig, listKind: OperatorConfigList, plural: operatorconfigs, singular: operatorconfig}
        scope: Namespaced
        versions:
        - name: v1
          served: true
          storage: true
          schema:
            openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
      """;
  static final String CR = """
      apiVersion: csi.ceph.io/v1
      kind: OperatorConfig
      metadata:
        name: ceph-csi-operator-config
        namespace: rook-ceph
      spec:
        logLevel: 2
      """;

  @Test
  void refusesCustomResourceWithoutItsCrdNamingKindAndFix() {
    var server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new ServerSideApplyDispatcher(), true);
    server.init();
    try (KubernetesClient client = server.createClient(); KubernetesApi api = KubernetesApi.of(client)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> api.apply(Manifest.of("cr", CR)))
          .isInstanceOf(KubernetesApi.UnknownKindException.class)
          .hasMessageContaining("no OperatorConfig in csi.ceph.io/v1 (object rook-ceph/ceph-csi-operator-config)")
          .hasMessageContaining("apply the CRD first");
    } finally {
      server.destroy();
    }
  }

  @Test
  void appliesCustomResourceAfterItsCrd() {
    var server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new ServerSideApplyDispatcher(), true);
    server.init();
    try (KubernetesClient client = server.createClient(); KubernetesApi api = KubernetesApi.of(client)) {
      api.apply(Manifest.of("crd", CRD));
      api.apply(Manifest.of("cr", CR));
      assertThat(api.isApplied(Manifest.of("cr", CR))).isTrue();
    } finally {
      server.destroy();
    }
  }
}
