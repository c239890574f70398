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

  private static void node(MockApi mock, String name, String labels, boolean controlPlaneTaint) {
    mock.client().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName(name)
        .withLabels(java.util.Map.of("kubernetes.io/hostname", name, "role", labels)).endMetadata()
        .withNewSpec().withTaints(controlPlaneTaint
            ? List.of(new io.fabric8.kubernetes.api.model.TaintBuilder().withKey("node-role.kubernetes.io/control-plane")
                .withEffect("NoSchedule").build())
            : List.of()).endSpec().build()).create();
  }

  private static io.fabric8.kubernetes.api.model.apps.DaemonSet daemonSet(MockApi mock, String name) {
    return mock.client().apps().daemonSets().inNamespace("demo").withName(name).get();
  }

  @Test
  void aDaemonSetRunsOnlyOnTheNodesItsSelectorAffinityAndTolerationsAllow() {
    try (MockApi mock = MockApi.start(); KubernetesApi api = KubernetesApi.of(mock.client())) {
      node(mock, "master1", "cp", true);
      node(mock, "worker1", "w", false);
      node(mock, "worker2", "w", false);
      api.apply(Manifest.of("ds", """
          apiVersion: apps/v1
          kind: DaemonSet
          metadata: {name: plain, namespace: demo}
          spec:
            selector: {matchLabels: {app: plain}}
            template:
              metadata: {labels: {app: plain}}
              spec: {containers: [{name: c, image: busybox}]}
          ---
          apiVersion: apps/v1
          kind: DaemonSet
          metadata: {name: everywhere, namespace: demo}
          spec:
            selector: {matchLabels: {app: everywhere}}
            template:
              metadata: {labels: {app: everywhere}}
              spec: {tolerations: [{operator: Exists}], containers: [{name: c, image: busybox}]}
          ---
          apiVersion: apps/v1
          kind: DaemonSet
          metadata: {name: masters, namespace: demo}
          spec:
            selector: {matchLabels: {app: masters}}
            template:
              metadata: {labels: {app: masters}}
              spec:
                nodeSelector: {role: cp}
                containers: [{name: c, image: busybox}]
          ---
          apiVersion: apps/v1
          kind: DaemonSet
          metadata: {name: pinned, namespace: demo}
          spec:
            selector: {matchLabels: {app: pinned}}
            template:
              metadata: {labels: {app: pinned}}
              spec:
                tolerations: [{key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}]
                affinity:
                  nodeAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      nodeSelectorTerms:
                      - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [master1, worker2]}]
                containers: [{name: c, image: busybox}]
          """));

      try (StandInControllers controllers = StandInControllers.start(mock.client())) {
        controllers.reconcile();
      }

      // the control-plane taint keeps untolerating pods off master1, as the scheduler does
      assertThat(daemonSet(mock, "plain").getStatus().getDesiredNumberScheduled()).isEqualTo(2);
      assertThat(daemonSet(mock, "everywhere").getStatus().getDesiredNumberScheduled()).isEqualTo(3);
      // a nodeSelector on a tainted node without a toleration: nowhere (0 of 0, as kubectl would show)
      assertThat(daemonSet(mock, "masters").getStatus().getDesiredNumberScheduled()).isZero();
      assertThat(daemonSet(mock, "pinned").getStatus().getDesiredNumberScheduled()).isEqualTo(2);
    }
  }

  static final String CLAIMS = """
      apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata:
        name: rook-ceph-block
        annotations: {storageclass.kubernetes.io/is-default-class: "true"}
      provisioner: rook-ceph.rbd.csi.ceph.com
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata: {name: data, namespace: demo}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: app, namespace: demo}
      spec:
        replicas: 1
        selector: {matchLabels: {app: app}}
        template:
          metadata: {labels: {app: app}}
          spec:
            containers: [{name: c, image: busybox}]
            volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: es, namespace: demo}
      spec:
        replicas: 3
        serviceName: es
        selector: {matchLabels: {app: es}}
        template:
          metadata: {labels: {app: es}}
          spec: {containers: [{name: es, image: elasticsearch}]}
        volumeClaimTemplates:
        - metadata: {name: data}
          spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
      """;

  @Test
  void claimsBindAndTheirWorkloadsStartOnlyOnceTheCsiOperatorRunsTheStorageClassesDriver() {
    try (MockApi mock = MockApi.start(); KubernetesApi api = KubernetesApi.of(mock.client());
         StandInControllers controllers = StandInControllers.start(mock.client())) {
      api.apply(Manifest.of("claims", CLAIMS));
      List<Readiness> waits = List.of(Readiness.parse("deployment/demo/app"), Readiness.parse("statefulset/demo/es"));

      // no CSI driver for the class's provisioner: the claim stays Pending, its pods would too
      assertThatThrownBy(() -> api.waitReady(waits, Duration.ofMillis(800))).hasMessageContaining("0 of 1 replicas ready");
      assertThat(mock.client().persistentVolumeClaims().inNamespace("demo").withName("data").get().getStatus())
          .satisfiesAnyOf(st -> assertThat(st).isNull(), st -> assertThat(st.getPhase()).isNotEqualTo("Bound"));

      // the ceph-csi-operator's Driver, but the operator is not running yet: still nothing
      api.apply(Manifest.of("driver", """
          apiVersion: apiextensions.k8s.io/v1
          kind: CustomResourceDefinition
          metadata: {name: drivers.csi.ceph.io}
          spec:
            group: csi.ceph.io
            names: {kind: Driver, listKind: DriverList, plural: drivers, singular: driver}
            scope: Namespaced
            versions:
            - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
          ---
          apiVersion: csi.ceph.io/v1
          kind: Driver
          metadata: {name: rook-ceph.rbd.csi.ceph.com, namespace: rook-ceph}
          spec: {}
          """));
      controllers.reconcile();
      assertThat(mock.client().storage().v1().csiDrivers().withName("rook-ceph.rbd.csi.ceph.com").get()).isNull();

      // once its Deployment runs, it registers the CSIDriver; the claim binds; the workloads start
      api.apply(Manifest.of("operator", """
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: ceph-csi-controller-manager, namespace: rook-ceph}
          spec:
            replicas: 1
            selector: {matchLabels: {app: op}}
            template:
              metadata: {labels: {app: op}}
              spec: {containers: [{name: op, image: quay.io/cephcsi/ceph-csi-operator}]}
          """));
      api.waitReady(waits, Duration.ofSeconds(10));
      assertThat(mock.client().persistentVolumeClaims().inNamespace("demo").withName("data").get().getStatus().getPhase())
          .isEqualTo("Bound");
    }
  }
}
