package dev.kubesmith.addons.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.addons.testing.Clusters;
import dev.kubesmith.addons.testing.Plans;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.ComponentProvider;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Readiness;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ComponentSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Role;
import dev.kubesmith.upstream.UpstreamMirror;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class TraefikTest {
  private static final UpstreamMirror MIRROR = UpstreamMirror.fromEnvironment();

  @Test
  void installsCrdsThenTraefikInTheAddonsPhaseAfterTheNodes() {
    Plan plan = Plans.of(Clusters.ha(), Traefik.ha());

    List<Step> addons = plan.steps().stream().filter(s -> s.phase() == Phase.ADDONS).toList();

    assertThat(addons).extracting(Step::id).containsExactly("traefik-crds", "traefik");
    assertThat(addons).allSatisfy(s -> assertThat(s.host()).isEmpty());
    assertThat(plan.requireStep("traefik-crds").dependsOn()).containsExactly(Plans.NODES_READY);
    assertThat(plan.requireStep("traefik").dependsOn()).containsExactlyInAnyOrder("traefik-crds", Plans.NODES_READY);
  }

  @Test
  void appliesOnlyTheTraefikIoCrdsUnchangedAndWaitsForEach() {
    Step crds = Plans.of(Clusters.ha(), Traefik.defaults()).requireStep("traefik-crds");

    assertThat(crds.manifests()).hasSize(10);
    assertThat(crds.manifests()).extracting(Manifest::yaml).noneMatch(y -> y.contains("hub.traefik.io"));
    assertThat(crds.manifests().get(0).name()).isEqualTo("traefik-crd-ingressroutes");
    assertThat(crds.manifests().get(0).yaml()).isEqualTo(MIRROR.fetch(Traefik.CRDS.get(0)));
    assertThat(crds.waitFor()).hasSize(10).doesNotHaveDuplicates()
        .allMatch(w -> Readiness.parse(w).kind() == Readiness.Kind.CRD && w.endsWith(".traefik.io"))
        .contains("crd/ingressroutes.traefik.io", "crd/middlewares.traefik.io", "crd/tlsstores.traefik.io");
  }

  @Test
  void pinsTheChartCrdsByVersionAndChecksum() {
    assertThat(Traefik.CRDS).allSatisfy(f -> {
      assertThat(f.version()).isEqualTo("v41.3.0");
      assertThat(f.mirrorPath()).startsWith("traefik/crds/traefik.io_");
      assertThat(f.upstreamUrl()).startsWith("https://raw.githubusercontent.com/traefik/traefik-helm-chart/v41.3.0/traefik/crds/");
    });
    assertThat(Traefik.CRDS.get(3).mirrorPath()).isEqualTo("traefik/crds/traefik.io_middlewares.yaml");
    assertThat(Traefik.CRDS.get(3).sha256()).isEqualTo("2d2e097725637a7fc372fab3492db2cb94860e7d463424bd6b341f6a2a81c685");
  }

  @Test
  void runsOnTheSingleMasterWithHostPortsAndTheControlPlaneToleration() {
    Step traefik = Plans.of(Clusters.singleMaster(), Traefik.singleMaster()).requireStep("traefik");

    Map<String, Object> podSpec = podSpec(traefik);
    assertThat(podSpec.get("nodeSelector")).isEqualTo(Map.of("node-role.kubernetes.io/control-plane", ""));
    assertThat(podSpec.get("tolerations")).isEqualTo(List.of(
        Map.of("key", "node-role.kubernetes.io/control-plane", "operator", "Exists", "effect", "NoSchedule")));
    assertThat(podSpec.get("serviceAccountName")).isEqualTo("traefik");
    Map<String, Object> container = container(podSpec);
    assertThat(container.get("image")).isEqualTo("docker.io/traefik:v3.5.3");
    assertThat(container.get("ports")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
        .contains(Map.of("name", "web", "containerPort", 80, "hostPort", 80, "protocol", "TCP"),
            Map.of("name", "websecure", "containerPort", 443, "hostPort", 443, "protocol", "TCP"));
    assertThat(container.get("args")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
        .contains("--entryPoints.web.address=:80", "--entryPoints.websecure.address=:443",
            "--providers.kubernetescrd", "--providers.kubernetesingress");
    assertThat(traefik.waitFor()).containsExactly("daemonset/traefik/traefik");
    assertThat(Readiness.parse(traefik.waitFor().get(0))).isEqualTo(new Readiness(Readiness.Kind.DAEMONSET, "traefik", "traefik"));
  }

  @Test
  void runsOnEveryMasterForHaByDefault() {
    Map<String, Object> podSpec = podSpec(Plans.of(Clusters.ha(), Traefik.defaults()).requireStep("traefik"));

    assertThat(podSpec.get("nodeSelector")).isEqualTo(Map.of("node-role.kubernetes.io/control-plane", ""));
    assertThat(podSpec.get("tolerations")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).hasSize(1);
  }

  @Test
  void runsOnNamedNodesPinnedByHostnameWhenAsked() {
    Traefik traefik = Traefik.ha().onNodes("worker1", "worker2");
    Step step = Plans.of(Clusters.ha(), traefik).requireStep("traefik");

    Map<String, Object> podSpec = podSpec(step);
    assertThat(podSpec).doesNotContainKey("nodeSelector");
    assertThat(podSpec.get("affinity")).isEqualTo(Map.of("nodeAffinity", Map.of("requiredDuringSchedulingIgnoredDuringExecution",
        Map.of("nodeSelectorTerms", List.of(Map.of("matchExpressions", List.of(
            Map.of("key", "kubernetes.io/hostname", "operator", "In", "values", List.of("worker1", "worker2")))))))));
    assertThat(step.description()).contains("on worker1, worker2");
    assertThat(traefik.nodes()).containsExactly("worker1", "worker2");
  }

  @Test
  void writesNamespaceServiceAccountRbacIngressClassAndDaemonSetInOrder() {
    List<Map<String, Object>> docs = docs(Plans.of(Clusters.ha(), Traefik.defaults()).requireStep("traefik"));

    assertThat(docs).extracting(d -> d.get("kind")).containsExactly("Namespace", "ServiceAccount", "ClusterRole",
        "ClusterRoleBinding", "IngressClass", "DaemonSet");
    assertThat(docs.get(0).get("metadata")).isEqualTo(Map.of("name", "traefik"));
    Map<String, Object> binding = docs.get(3);
    assertThat(binding.get("roleRef")).isEqualTo(Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", "ClusterRole", "name", "traefik"));
    assertThat(binding.get("subjects")).isEqualTo(List.of(Map.of("kind", "ServiceAccount", "name", "traefik", "namespace", "traefik")));
    List<Object> rules = List.copyOf((List<?>) docs.get(2).get("rules"));
    assertThat(rules).contains(
        Map.of("apiGroups", List.of("discovery.k8s.io"), "resources", List.of("endpointslices"), "verbs", List.of("list", "watch")),
        Map.of("apiGroups", List.of("extensions", "networking.k8s.io"), "resources", List.of("ingresses/status"),
            "verbs", List.of("update")));
    assertThat(rules).anySatisfy(r -> assertThat(map(r).get("apiGroups")).isEqualTo(List.of("traefik.io")));
    assertThat(docs.get(5).get("apiVersion")).isEqualTo("apps/v1");
  }

  @Test
  void takesAnotherImageWhenConfigured() {
    Step step = Plans.of(Clusters.ha(), Traefik.defaults().image("registry.local/traefik:v3.5.3")).requireStep("traefik");

    assertThat(container(podSpec(step)).get("image")).isEqualTo("registry.local/traefik:v3.5.3");
    assertThat(Traefik.defaults().image("bad image").validate(Clusters.ha())).extracting(p -> p.value())
        .containsExactly("bad image");
  }

  @Test
  void notesTheWildcardRecordToThePublicVipForHa() {
    ClusterSpec ha = Clusters.haBuilder().publicVip("198.19.0.100").build();

    Plan plan = Plans.of(ha, Traefik.ha().domain("apps.example.com"));

    assertThat(plan.notes()).singleElement().asString()
        .contains("*.apps.example.com A 198.19.0.100").contains("public VIP");
  }

  @Test
  void notesThatAnHaClusterWithoutPublicVipNeedsOne() {
    assertThat(Plans.of(Clusters.ha(), Traefik.defaults().domain("apps.example.com")).notes()).singleElement().asString()
        .contains("*.apps.example.com A <public VIP>").contains("publicVip(");
  }

  @Test
  void notesTheWildcardRecordToTheMastersPublicIpForASingleMaster() {
    ClusterSpec single = ClusterSpec.builder().from(Clusters.singleMaster())
        .hosts(List.of(Host.builder().name("master1").privateIp("198.18.4.31").publicIp("198.19.0.31").addRoles(Role.MASTER).build(),
            Host.of("worker1", "198.18.4.41", Role.WORKER)))
        .build();

    assertThat(Plans.of(single, Traefik.defaults().domain("apps.example.com")).notes()).singleElement().asString()
        .contains("*.apps.example.com A 198.19.0.31").contains("master1");
  }

  @Test
  void notesHowToSetADomainWhenThereIsNone() {
    assertThat(Plans.of(Clusters.singleMaster(), Traefik.defaults()).notes()).singleElement().asString()
        .contains("no domain set").contains(".domain(\"apps.example.com\")").contains("components[traefik].settings.domain");
  }

  @Test
  void choosesTheClustersTopologyByDefault() {
    assertThat(Traefik.defaults().topologyFor(Clusters.ha())).isEqualTo(dev.kubesmith.spec.Topology.HA);
    assertThat(Traefik.defaults().topologyFor(Clusters.singleMaster())).isEqualTo(dev.kubesmith.spec.Topology.SINGLE_MASTER);
    assertThat(Traefik.defaults().validate(Clusters.ha())).isEmpty();
    assertThat(Traefik.defaults().validate(Clusters.singleMaster())).isEmpty();
  }

  @Test
  void describeRoundTripsThroughTheProviderFoundByServiceLoader() {
    Traefik traefik = Traefik.ha().onNodes("worker1", "worker2").domain("apps.example.com").image("registry.local/traefik:v3.5.3");
    ComponentProvider provider = ServiceLoader.load(ComponentProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("traefik")).findFirst().orElseThrow();

    ComponentSpec described = traefik.describe();

    assertThat(described.settings()).containsExactly(Map.entry("topology", "ha"), Map.entry("ingressNodes", "worker1,worker2"),
        Map.entry("domain", "apps.example.com"), Map.entry("image", "registry.local/traefik:v3.5.3"));
    assertThat(provider.kind()).isEqualTo(ComponentKind.ADDON);
    assertThat(provider.isDefaultFor(Clusters.ha())).isFalse();
    assertThat(provider.create(described)).isEqualTo(traefik);
    assertThat(provider.create(Traefik.singleMaster().describe())).isEqualTo(Traefik.singleMaster());
    assertThat(provider.create(ComponentSpec.of("traefik"))).isEqualTo(Traefik.defaults());
    assertThat(Traefik.defaults().describe().settings()).isEmpty();
  }

  @Test
  void rejectsHaTraefikOnASingleMasterCluster() {
    assertThat(Traefik.ha().validate(Clusters.singleMaster())).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("components[traefik].settings.topology");
      assertThat(p.fix()).contains("Traefik.defaults()");
    });
  }

  @Test
  void rejectsNodesThatAreNotMastersOrWorkersOfTheSpec() {
    ClusterSpec mastersOnly = ClusterSpec.builder().from(Clusters.singleMaster())
        .hosts(List.of(Host.of("master1", "198.18.4.31", Role.MASTER), Host.of("bastion", "198.18.4.10", Role.BASTION)))
        .build();

    assertThat(Traefik.defaults().onNodes("worker9", "bastion", "master1", "master1").validate(mastersOnly))
        .extracting(p -> p.value() + ": " + p.reason())
        .containsExactly("worker9: is not a host of the spec", "bastion: is not a master or worker, so it cannot run Traefik",
            "master1: is listed twice");
    assertThat(Traefik.defaults().onNodes("master1").validate(mastersOnly)).isEmpty();
  }

  @Test
  void rejectsBadSettingsInSettersAndFromTheSpec() {
    assertThat(Traefik.defaults().onNodes().validate(Clusters.ha())).singleElement()
        .satisfies(p -> assertThat(p.fix()).contains("onNodes(\"worker1\", \"worker2\")"));
    assertThat(Traefik.defaults().domain("Not A Domain").validate(Clusters.ha())).extracting(p -> p.field(), p -> p.value())
        .containsExactly(org.assertj.core.groups.Tuple.tuple("components[traefik].settings.domain", "Not A Domain"));
    assertThat(Traefik.of(ComponentSpec.of("traefik", Map.of("topology", "triple", "replicas", "3"))).validate(Clusters.ha()))
        .extracting(p -> p.field())
        .containsExactlyInAnyOrder("components[traefik].settings.topology", "components[traefik].settings.replicas");
    assertThat(Traefik.of(ComponentSpec.of("traefik", Map.of("ingressNodes", "worker1,,nowhere", "domain", "x"))).validate(Clusters.ha()))
        .extracting(p -> p.field())
        .containsExactlyInAnyOrder("components[traefik].settings.ingressNodes", "components[traefik].settings.ingressNodes",
            "components[traefik].settings.domain");
  }

  private static List<Map<String, Object>> docs(Step step) {
    assertThat(step.manifests()).singleElement().extracting(Manifest::name).isEqualTo("traefik");
    return TraefikManifests.documents(step.manifests().get(0).yaml()).stream().map(TraefikTest::map).toList();
  }

  static Map<String, Object> podSpec(Step step) {
    Map<String, Object> ds = docs(step).stream().filter(d -> "DaemonSet".equals(d.get("kind"))).findFirst().orElseThrow();
    return map(map(map(map(ds.get("spec")).get("template")).get("spec")));
  }

  private static Map<String, Object> container(Map<String, Object> podSpec) {
    List<?> containers = (List<?>) podSpec.get("containers");
    assertThat(containers).hasSize(1);
    return map(containers.get(0));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }
}
