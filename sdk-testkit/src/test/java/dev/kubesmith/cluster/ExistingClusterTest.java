package dev.kubesmith.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.PlanContext;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.InvalidSpecException;
import dev.kubesmith.spec.Role;
import dev.kubesmith.spec.Topology;
import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.StandInControllers;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tier 2: addons on an existing cluster from its kubeconfig, against the CRUD mock. */
class ExistingClusterTest {
  @TempDir
  Path dir;

  /** A stand-in addon: a CRD waited Established, then a custom resource and a Deployment waited ready. */
  record Widgets(int replicasPerMaster) implements Component {
    @Override
    public String name() {
      return "widgets";
    }

    @Override
    public ComponentKind kind() {
      return ComponentKind.ADDON;
    }

    @Override
    public void contribute(PlanContext ctx) {
      ctx.add(Step.builder().id("widgets-crd").phase(Phase.ADDONS).addAfterPhases(Phase.NODES).description("CRD")
          .addManifests(Manifest.of("crd", """
              apiVersion: apiextensions.k8s.io/v1
              kind: CustomResourceDefinition
              metadata: {name: widgets.example.com}
              spec:
                group: example.com
                names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}
                scope: Namespaced
                versions:
                - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
              """)).addWaitFor("crd/widgets.example.com").build());
      int replicas = replicasPerMaster * ctx.spec().masters().size();
      ctx.add(Step.builder().id("widgets").phase(Phase.ADDONS).addAfterPhases(Phase.NODES).addDependsOn("widgets-crd")
          .description("widgets").addManifests(Manifest.of("widgets", """
              apiVersion: example.com/v1
              kind: Widget
              metadata: {name: w, namespace: demo}
              spec: {size: %d}
              ---
              apiVersion: apps/v1
              kind: Deployment
              metadata: {name: widget-operator, namespace: demo}
              spec:
                replicas: %d
                selector: {matchLabels: {app: w}}
                template:
                  metadata: {labels: {app: w}}
                  spec: {containers: [{name: w, image: example/w}]}
              """.formatted(replicas, replicas))).addWaitFor("deployment/demo/widget-operator").build());
    }

    @Override
    public Set<String> requires() {
      return replicasPerMaster > 5 ? Set.of("storage") : Set.of();
    }
  }

  private static void node(MockApi api, String name, String ip, boolean master) {
    var b = new NodeBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewStatus().addNewAddress().withType("InternalIP").withAddress(ip).endAddress().endStatus();
    if (master) {
      b.editMetadata().addToLabels("node-role.kubernetes.io/control-plane", "").endMetadata();
    }
    api.client().nodes().resource(b.build()).create();
  }

  private Path kubeconfig(MockApi api) throws Exception {
    Path f = dir.resolve("admin.conf");
    Files.writeString(f, api.kubeconfig());
    return f;
  }

  @Test
  void sizesFromTheNodesAppliesInOrderAndChangesNothingOnReRun() throws Exception {
    try (MockApi api = MockApi.start(); StandInControllers controllers = StandInControllers.start(api.client())) {
      for (int i = 1; i <= 3; i++) {
        node(api, "master" + i, "198.18.4.3" + i, true);
      }
      node(api, "worker1", "198.18.4.41", false);

      ExistingCluster cluster = ExistingCluster.fromKubeconfig(kubeconfig(api)).name("demo").addons(new Widgets(1)).build();

      assertThat(cluster.spec().topology()).isEqualTo(Topology.HA);
      assertThat(cluster.spec().masters()).extracting(h -> h.name()).containsExactly("master1", "master2", "master3");
      assertThat(cluster.spec().workers()).singleElement().satisfies(h -> assertThat(h.privateIp()).isEqualTo("198.18.4.41"));
      ApplyOptions options = ApplyOptions.defaults().stateDirectory(dir.resolve("state"));
      BuildResult first = cluster.apply(options);
      assertThat(first.ran()).containsExactly("widgets-crd", "widgets");
      assertThat(api.client().genericKubernetesResources("example.com/v1", "Widget").inNamespace("demo").withName("w")
          .get().get("spec", "size").toString()).isEqualTo("3");

      BuildResult again = ExistingCluster.fromKubeconfig(kubeconfig(api)).name("demo").addons(new Widgets(1)).build()
          .apply(ApplyOptions.defaults().stateDirectory(dir.resolve("other-state")));
      assertThat(again.ran()).as("the checks find everything applied, even without the journal").isEmpty();
    }
  }

  @Test
  void plansFromAnInventoryWithoutReachingTheCluster() {
    ExistingCluster cluster = ExistingCluster.fromKubeconfig(dir.resolve("absent.conf"))
        .inventory(dev.kubesmith.spec.Inventory.of(List.of(dev.kubesmith.spec.Host.of("m1", "198.18.4.31", Role.MASTER),
            dev.kubesmith.spec.Host.of("w1", "198.18.4.41", Role.WORKER))))
        .addons(new Widgets(2)).build();

    assertThat(cluster.spec().topology()).isEqualTo(Topology.SINGLE_MASTER);
    assertThat(cluster.plan().steps()).extracting(Step::id).containsExactly("widgets-crd", "widgets");
  }

  @Test
  void reportsEveryProblemAtOnce() {
    assertThatThrownBy(() -> ExistingCluster.fromKubeconfig(dir.resolve("absent.conf")).build())
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("kubeconfig").hasMessageContaining("cannot be read")
        .hasMessageContaining("addons");
    assertThatThrownBy(() -> ExistingCluster.fromKubeconfig(dir.resolve("absent.conf"))
        .inventory(dev.kubesmith.spec.Inventory.of(List.of(dev.kubesmith.spec.Host.of("m1", "198.18.4.31", Role.MASTER))))
        .addons(new Widgets(9)).build())
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("needs storage").hasMessageContaining("applying it again changes nothing");
  }
}
