package dev.kubesmith.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.bootstrap.Bootstrap;
import dev.kubesmith.exec.StepContext;
import dev.kubesmith.exec.StepFailedException;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Step;
import dev.kubesmith.ssh.Redactor;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.kubesmith.testkit.ServerSideApplyDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tier 2: the API runner against fabric8's CRUD mock server (with server-side apply, see ServerSideApplyDispatcher). */
class KubernetesApiTest {
  static KubernetesMockServer server;
  static KubernetesClient client;

  @BeforeAll
  static void start() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new ServerSideApplyDispatcher(),
        true);
    server.init();
    client = server.createClient();
  }

  @AfterAll
  static void stop() {
    client.close();
    server.destroy();
  }

  private static final String CONFIG_V1 = """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: calico-config
        namespace: kube-system
      data:
        veth_mtu: "0"
      ---
      apiVersion: v1
      kind: Namespace
      metadata:
        name: tigera
      """;

  @BeforeEach
  void clean() {
    client.nodes().delete();
    client.configMaps().inAnyNamespace().delete();
  }

  private static Node node(String name, String ready) {
    return new NodeBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewStatus().addNewCondition().withType("Ready").withStatus(ready).withMessage("kubelet says so")
        .endCondition().endStatus().build();
  }

  @Test
  void appliesEveryDocumentWithTheAppliedHash() {
    KubernetesApi api = KubernetesApi.of(client);

    api.apply(Manifest.of("calico", CONFIG_V1));

    ConfigMap cm = client.configMaps().inNamespace("kube-system").withName("calico-config").get();
    assertThat(cm.getData()).containsEntry("veth_mtu", "0");
    assertThat(cm.getMetadata().getAnnotations()).containsKey(KubernetesApi.APPLIED_HASH);
    assertThat(client.namespaces().withName("tigera").get()).isNotNull();
  }

  @Test
  void knowsWhenAManifestIsAlreadyAppliedAndWhenItChanged() {
    KubernetesApi api = KubernetesApi.of(client);
    Manifest v1 = Manifest.of("calico", CONFIG_V1);
    assertThat(api.isApplied(v1)).isFalse();

    api.apply(v1);
    assertThat(api.isApplied(v1)).isTrue();

    Manifest v2 = Manifest.of("calico", CONFIG_V1.replace("\"0\"", "\"1440\""));
    assertThat(api.isApplied(v2)).isFalse();
    api.apply(v2);
    assertThat(api.isApplied(v2)).isTrue();
    assertThat(client.configMaps().inNamespace("kube-system").withName("calico-config").get().getData())
        .containsEntry("veth_mtu", "1440");
  }

  @Test
  void waitsForNodesAndNamesThoseThatAreNotReady() {
    client.nodes().resource(node("master1", "True")).create();
    client.nodes().resource(node("worker1", "False")).create();
    KubernetesApi api = KubernetesApi.of(client);

    api.waitForReadyNodes(List.of("master1"), Duration.ofSeconds(2));
    assertThatThrownBy(() -> api.waitForReadyNodes(List.of("master1", "worker1", "worker2"), Duration.ofMillis(600)))
        .isInstanceOf(KubernetesApi.NotReadyException.class)
        .hasMessageContaining("worker1: [Ready=False (kubelet says so)]")
        .hasMessageContaining("worker2: not registered")
        .hasMessageNotContaining("master1:");
  }

  @Test
  void theNodesStepWaitsThenLabelsAndIsDoneOnTheNextRun() {
    client.nodes().resource(node("master1", "True")).create();
    client.nodes().resource(node("worker1", "True")).create();
    Step nodes = Step.builder().id("nodes").phase(Phase.NODES).description("nodes").readyNodes(List.of("master1", "worker1"))
        .addManifests(Manifest.of("node-labels", """
            apiVersion: v1
            kind: Node
            metadata:
              name: worker1
              labels:
                node-role.kubernetes.io/worker: ""
            """)).build();
    StepContext ctx = new StepContext(new Redactor());
    ctx.putSecret(Bootstrap.ADMIN_KUBECONFIG, "apiVersion: v1\nkind: Config\n");
    ApiStepRunner runner = new ApiStepRunner(kubeconfig -> KubernetesApi.of(client), Duration.ofSeconds(2));

    assertThat(runner.alreadyDone(nodes, ctx)).isFalse();
    runner.run(nodes, ctx);

    assertThat(client.nodes().withName("worker1").get().getMetadata().getLabels())
        .containsKey("node-role.kubernetes.io/worker");
    assertThat(runner.alreadyDone(nodes, ctx)).isTrue();
  }

  @Test
  void aNodeThatNeverBecomesReadyFailsTheStepNamingIt() {
    client.nodes().resource(node("master1", "False")).create();
    Step nodes = Step.builder().id("nodes").phase(Phase.NODES).description("nodes").readyNodes(List.of("master1")).build();
    StepContext ctx = new StepContext(new Redactor());
    ctx.putSecret(Bootstrap.ADMIN_KUBECONFIG, "apiVersion: v1\nkind: Config\n");
    ApiStepRunner runner = new ApiStepRunner(kubeconfig -> KubernetesApi.of(client), Duration.ofMillis(600));

    assertThatThrownBy(() -> runner.run(nodes, ctx)).isInstanceOf(StepFailedException.class)
        .hasMessageContaining("nodes").hasMessageContaining("master1: [Ready=False");
  }

  @Test
  void needsTheAdminKubeconfigFirst() {
    Step s = Step.builder().id("calico").phase(Phase.POD_NETWORK).description("calico")
        .addManifests(Manifest.of("calico", CONFIG_V1)).build();
    ApiStepRunner runner = new ApiStepRunner(kubeconfig -> KubernetesApi.of(client), Duration.ofSeconds(1));

    assertThatThrownBy(() -> runner.run(s, new StepContext(new Redactor())))
        .hasMessageContaining("join-credentials step must run first");
  }

  @Test
  void waitsForACrdToBeEstablishedAndAWorkloadToBeReady() throws Exception {
    KubernetesApi k = KubernetesApi.of(client);
    Step step = Step.builder().id("crds").phase(Phase.ADDONS).description("crds")
        .addManifests(Manifest.of("demo-crds", """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.example.com
            spec:
              group: example.com
              names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
              scope: Namespaced
              versions:
                - name: v1
                  served: true
                  storage: true
                  schema: {openAPIV3Schema: {type: object}}
            """))
        .addWaitFor(dev.kubesmith.plan.Readiness.crd("widgets.example.com"),
            dev.kubesmith.plan.Readiness.of(dev.kubesmith.plan.Readiness.Kind.DEPLOYMENT, "demo", "op"))
        .build();
    client.apps().deployments().inNamespace("demo").resource(new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
        .withNewMetadata().withName("op").withNamespace("demo").endMetadata().withNewSpec().withReplicas(1).endSpec()
        .build()).create();
    StepContext ctx = new StepContext(new Redactor());
    ctx.putSecret(Bootstrap.ADMIN_KUBECONFIG, "apiVersion: v1\nkind: Config\n");
    ApiStepRunner runner = new ApiStepRunner(kubeconfig -> k, Duration.ofSeconds(10));
    Thread operator = new Thread(() -> {
      try {
        Thread.sleep(700); // the API server and the operator catch up while the step waits
        var crd = client.apiextensions().v1().customResourceDefinitions().withName("widgets.example.com").get();
        crd.setStatus(new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionStatusBuilder()
            .addNewCondition().withType("Established").withStatus("True").endCondition().build());
        client.apiextensions().v1().customResourceDefinitions().resource(crd).updateStatus();
        var d = client.apps().deployments().inNamespace("demo").withName("op").get();
        d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withReadyReplicas(1).withReplicas(1)
            .withUpdatedReplicas(1).withAvailableReplicas(1).withObservedGeneration(d.getMetadata().getGeneration()).build());
        client.apps().deployments().inNamespace("demo").resource(d).updateStatus();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    operator.start();

    runner.run(step, ctx);
    operator.join();

    assertThat(runner.alreadyDone(step, ctx)).isTrue();
  }

  @Test
  void namesWhatIsNotReadyWithItsEventsWhenTheWaitTimesOut() {
    client.apps().statefulSets().inNamespace("logging").resource(new io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder()
        .withNewMetadata().withName("elasticsearch").withNamespace("logging").endMetadata()
        .withNewSpec().withReplicas(2).endSpec().build()).create();
    client.v1().events().inNamespace("logging").resource(new io.fabric8.kubernetes.api.model.EventBuilder()
        .withNewMetadata().withName("es-0.1").withNamespace("logging").endMetadata()
        .withNewInvolvedObject().withName("elasticsearch-0").withKind("Pod").endInvolvedObject()
        .withReason("FailedScheduling").withMessage("0/3 nodes are available: 3 Insufficient memory.").build()).create();

    assertThatThrownBy(() -> KubernetesApi.of(client).waitReady(
        List.of(dev.kubesmith.plan.Readiness.parse("statefulset/logging/elasticsearch")), Duration.ofMillis(600)))
        .isInstanceOf(KubernetesApi.NotReadyException.class)
        .hasMessageContaining("statefulset/logging/elasticsearch: 0 of 2 replicas ready")
        .hasMessageContaining("FailedScheduling: 0/3 nodes are available: 3 Insufficient memory.");
  }

  @Test
  void rejectsAMalformedWaitWhenTheStepIsBuilt() {
    assertThatThrownBy(() -> Step.builder().id("x").phase(Phase.ADDONS).description("x").addWaitFor("pod/demo").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kinds are");
  }
}
