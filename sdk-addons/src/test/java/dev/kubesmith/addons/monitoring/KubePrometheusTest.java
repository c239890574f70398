package dev.kubesmith.addons.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.addons.ingress.BasicAuth;
import dev.kubesmith.addons.ingress.Traefik;
import dev.kubesmith.addons.storage.RookCeph;
import dev.kubesmith.addons.testing.Clusters;
import dev.kubesmith.addons.testing.Plans;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.ComponentProvider;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ComponentSpec;
import dev.kubesmith.spec.Problem;
import dev.kubesmith.upstream.UpstreamFile;
import dev.kubesmith.upstream.UpstreamMirror;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KubePrometheusTest {
  private static final UpstreamMirror MIRROR = UpstreamMirror.fromEnvironment();
  private static Plan defaultPlan;

  @BeforeAll
  static void plan() {
    defaultPlan = Plans.of(Clusters.ha(), KubePrometheus.defaults());
  }

  @Test
  void withoutADomainPlansSetupThenMainInAddonsAfterNodesAndStorage() {
    List<Step> addons = defaultPlan.steps().stream().filter(s -> s.phase() == Phase.ADDONS).toList();

    assertThat(addons).extracting(Step::id).containsExactly("kube-prometheus-setup", "kube-prometheus");
    assertThat(addons).allSatisfy(s -> assertThat(s.host()).isEmpty());
    assertThat(defaultPlan.requireStep("kube-prometheus-setup").dependsOn()).containsExactly(Plans.NODES_READY);
    assertThat(defaultPlan.requireStep("kube-prometheus").dependsOn())
        .containsExactlyInAnyOrder("kube-prometheus-setup", Plans.NODES_READY);
  }

  @Test
  void withADomainAddsTheIngressStepAfterMainAndAfterTraefiksCrdsAndMainWaitsForStorage() {
    Plan plan = Plans.of(Clusters.ha(), RookCeph.defaults(), Traefik.defaults(), KubePrometheus.defaults().domain("apps.example.com"));

    assertThat(plan.steps().stream().filter(s -> s.id().startsWith("kube-prometheus")))
        .extracting(Step::id).containsExactly("kube-prometheus-setup", "kube-prometheus", "kube-prometheus-ingress");
    assertThat(plan.requireStep("kube-prometheus-ingress").dependsOn()).contains("kube-prometheus", "traefik-crds");
    // phase STORAGE must be done before Prometheus asks for its volumes; the CRDs need not wait for it
    assertThat(plan.requireStep("kube-prometheus").dependsOn()).contains("rook-ceph-cluster", "kube-prometheus-setup");
    assertThat(plan.requireStep("kube-prometheus-setup").dependsOn()).doesNotContain("rook-ceph-cluster");
  }

  @Test
  void setupAppliesEveryUpstreamSetupFileUnchangedAndWaitsForEachCrd() {
    Step setup = defaultPlan.requireStep("kube-prometheus-setup");

    assertThat(setup.manifests()).hasSize(11);
    for (int i = 0; i < KubePrometheusFiles.SETUP.size(); i++) {
      assertThat(setup.manifests().get(i).yaml()).isEqualTo(MIRROR.fetch(KubePrometheusFiles.SETUP.get(i)));
    }
    assertThat(setup.manifests()).extracting(Manifest::name)
        .contains("kube-prometheus-namespace", "kube-prometheus-0prometheuscustomresourcedefinition");
    assertThat(setup.waitFor()).hasSize(10).doesNotHaveDuplicates().containsExactlyInAnyOrder(
        "crd/alertmanagerconfigs.monitoring.coreos.com", "crd/alertmanagers.monitoring.coreos.com",
        "crd/podmonitors.monitoring.coreos.com", "crd/probes.monitoring.coreos.com",
        "crd/prometheuses.monitoring.coreos.com", "crd/prometheusagents.monitoring.coreos.com",
        "crd/prometheusrules.monitoring.coreos.com", "crd/scrapeconfigs.monitoring.coreos.com",
        "crd/servicemonitors.monitoring.coreos.com", "crd/thanosrulers.monitoring.coreos.com");
  }

  @Test
  void mainAppliesEveryUpstreamManifestAndWaitsForTheWorkloadsUpstreamNames() {
    Step main = defaultPlan.requireStep("kube-prometheus");

    assertThat(main.manifests()).hasSize(84).extracting(Manifest::name).doesNotHaveDuplicates()
        .contains("kube-prometheus-grafana-dashboarddefinitions");
    assertThat(main.waitFor()).containsExactly("deployment/monitoring/prometheus-operator", "deployment/monitoring/grafana",
        "deployment/monitoring/kube-state-metrics", "daemonset/monitoring/node-exporter");
    // the waited-for names are the ones upstream's files declare
    assertThat(meta(upstream("prometheusOperator-deployment.yaml"))).containsEntry("name", "prometheus-operator");
    assertThat(upstream("grafana-deployment.yaml")).containsEntry("kind", "Deployment");
    assertThat(meta(upstream("grafana-deployment.yaml"))).containsEntry("name", "grafana");
    assertThat(meta(upstream("kubeStateMetrics-deployment.yaml"))).containsEntry("name", "kube-state-metrics");
    assertThat(upstream("nodeExporter-daemonset.yaml")).containsEntry("kind", "DaemonSet");
    assertThat(meta(upstream("nodeExporter-daemonset.yaml"))).containsEntry("name", "node-exporter");
  }

  @Test
  void everyManifestButPrometheusAndAlertmanagerIsUpstreamVerbatim() {
    Step main = defaultPlan.requireStep("kube-prometheus");

    int verbatim = 0;
    for (int i = 0; i < KubePrometheusFiles.MANIFESTS.size(); i++) {
      UpstreamFile f = KubePrometheusFiles.MANIFESTS.get(i);
      String name = KubePrometheusFiles.fileName(f);
      if (!name.equals("prometheus-prometheus.yaml") && !name.equals("alertmanager-alertmanager.yaml")) {
        assertThat(main.manifests().get(i).yaml()).as(name).isEqualTo(MIRROR.fetch(f));
        verbatim++;
      }
    }
    assertThat(verbatim).isEqualTo(82);
    assertThat(manifest(main, "kube-prometheus-grafana-dashboarddefinitions").yaml().length()).isGreaterThan(1_000_000);
  }

  @Test
  void patchesPrometheusReplicasRetentionAndVolumeClaimTemplateAndNothingElse() {
    KubePrometheus kp = KubePrometheus.defaults().prometheusReplicas(3).retention("15d").storage("50Gi").storageClass("fast");
    Step main = Plans.of(Clusters.ha(), kp).requireStep("kube-prometheus");

    Map<String, Object> patched = KubePrometheusManifests.single(manifest(main, "kube-prometheus-prometheus-prometheus").yaml());
    Map<String, Object> spec = map(patched.get("spec"));
    assertThat(spec).containsEntry("replicas", 3).containsEntry("retention", "15d");
    assertThat(spec.get("storage")).isEqualTo(Map.of("volumeClaimTemplate", Map.of("spec", Map.of(
        "accessModes", List.of("ReadWriteOnce"), "resources", Map.of("requests", Map.of("storage", "50Gi")),
        "storageClassName", "fast"))));

    Map<String, Object> original = upstream("prometheus-prometheus.yaml");
    Map<String, Object> expected = KubePrometheusManifests.deepCopy(original);
    Map<String, Object> rest = KubePrometheusManifests.deepCopy(patched);
    map(expected.get("spec")).keySet().removeAll(List.of("replicas", "retention", "storage"));
    map(rest.get("spec")).keySet().removeAll(List.of("replicas", "retention", "storage"));
    assertThat(rest).isEqualTo(expected);
    assertThat(map(original.get("spec"))).doesNotContainKeys("retention", "storage");
  }

  @Test
  void defaultPrometheusIsTwoReplicasThirtyDaysTenGiOnRookCephBlock() {
    Map<String, Object> spec = map(KubePrometheusManifests.single(
        manifest(defaultPlan.requireStep("kube-prometheus"), "kube-prometheus-prometheus-prometheus").yaml()).get("spec"));

    assertThat(spec).containsEntry("replicas", 2).containsEntry("retention", "30d");
    Map<String, Object> pvc = map(map(map(spec.get("storage")).get("volumeClaimTemplate")).get("spec"));
    assertThat(pvc).containsEntry("storageClassName", "rook-ceph-block")
        .containsEntry("resources", Map.of("requests", Map.of("storage", "10Gi")));
  }

  @Test
  void patchesAlertmanagerReplicasAndNothingElse() {
    Step main = Plans.of(Clusters.ha(), KubePrometheus.defaults().alertmanagerReplicas(5)).requireStep("kube-prometheus");

    Map<String, Object> patched = KubePrometheusManifests.single(manifest(main, "kube-prometheus-alertmanager-alertmanager").yaml());
    assertThat(map(patched.get("spec"))).containsEntry("replicas", 5);
    Map<String, Object> expected = KubePrometheusManifests.deepCopy(upstream("alertmanager-alertmanager.yaml"));
    map(expected.get("spec")).put("replicas", 5);
    assertThat(patched).isEqualTo(expected);
  }

  @Test
  void ingressStepHasBasicAuthRoutesForTheThreeUisAndNetworkPoliciesFromTraefik() {
    KubePrometheus kp = KubePrometheus.defaults().domain("apps.example.com").users(Map.of("ops", "s3cret-pass"));
    Step ingress = Plans.of(Clusters.ha(), kp).requireStep("kube-prometheus-ingress");

    assertThat(ingress.manifests()).extracting(Manifest::name).containsExactly("basic-auth-monitoring", "kube-prometheus-ingress");
    List<Map<String, Object>> auth = docs(ingress.manifests().get(0));
    assertThat(auth).extracting(d -> d.get("kind")).containsExactly("Secret", "Middleware");
    assertThat(auth).allSatisfy(d -> assertThat(meta(d)).containsEntry("namespace", "monitoring"));
    assertThat(ingress.manifests().get(0).yaml()).contains("ops:$2y$").doesNotContain("s3cret-pass");

    List<Map<String, Object>> docs = docs(ingress.manifests().get(1));
    assertThat(docs).filteredOn(d -> "IngressRoute".equals(d.get("kind"))).containsExactly(
        BasicAuth.route("monitoring", "prometheus.apps.example.com", "prometheus-k8s", 9090),
        BasicAuth.route("monitoring", "alertmanager.apps.example.com", "alertmanager-main", 9093),
        BasicAuth.route("monitoring", "grafana.apps.example.com", "grafana", 3000));
    List<Map<String, Object>> policies = docs.stream().filter(d -> "NetworkPolicy".equals(d.get("kind"))).toList();
    assertThat(policies).extracting(d -> meta(d).get("name"))
        .containsExactly("prometheus-k8s-from-traefik", "alertmanager-main-from-traefik", "grafana-from-traefik");
    Map<String, Object> grafana = map(policies.get(2).get("spec"));
    assertThat(grafana.get("podSelector")).isEqualTo(Map.of("matchLabels", Map.of("app.kubernetes.io/name", "grafana")));
    assertThat(grafana.get("ingress")).isEqualTo(List.of(Map.of(
        "from", List.of(Map.of("namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "traefik")))),
        "ports", List.of(Map.of("port", 3000, "protocol", "TCP")))));
    assertThat(grafana.get("policyTypes")).isEqualTo(List.of("Ingress"));
  }

  @Test
  void networkPoliciesSelectThePodsUpstreamServicesAndPoliciesSelect() {
    for (KubePrometheus.WebUi ui : KubePrometheus.WEB_UIS) {
      Map<String, Object> service = upstream(ui.service().equals("grafana") ? "grafana-service.yaml"
          : ui.podName() + "-service.yaml");
      assertThat(meta(service)).containsEntry("name", ui.service());
      assertThat(map(service.get("spec")).get("ports").toString()).contains("port=" + ui.port());
      assertThat(map(map(service.get("spec")).get("selector"))).containsEntry("app.kubernetes.io/name", ui.podName());
      Map<String, Object> policy = upstream(ui.podName() + "-networkPolicy.yaml");
      assertThat(map(map(map(policy.get("spec")).get("podSelector")).get("matchLabels")))
          .containsEntry("app.kubernetes.io/name", ui.podName());
      // upstream admits the UI port only from pods in monitoring, hence the extra policies
      assertThat(map(policy.get("spec")).get("ingress").toString()).doesNotContain("namespaceSelector");
    }
  }

  @Test
  void aDomainWithoutUsersGeneratesAPasswordForAdmin() {
    KubePrometheus kp = KubePrometheus.defaults().domain("apps.example.com");

    assertThat(kp.basicAuth()).get().satisfies(a -> {
      assertThat(a.users()).containsExactly("admin");
      assertThat(a.generatedPasswords().get("admin")).hasSize(BasicAuth.GENERATED_PASSWORD_LENGTH);
    });
    assertThat(kp.hosts()).containsExactly("prometheus.apps.example.com", "alertmanager.apps.example.com", "grafana.apps.example.com");
    assertThat(kp.toString()).doesNotContain(kp.basicAuth().get().generatedPasswords().get("admin"));
  }

  @Test
  void requiresRookCephAndTraefikAndIsANonDefaultAddon() {
    assertThat(KubePrometheus.defaults().requires()).containsExactlyInAnyOrder("rook-ceph", "traefik");
    assertThat(KubePrometheus.defaults().kind()).isEqualTo(ComponentKind.ADDON);
    assertThat(KubePrometheus.defaults().name()).isEqualTo("kube-prometheus");
    ComponentProvider provider = ServiceLoader.load(ComponentProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("kube-prometheus")).findFirst().orElseThrow();
    assertThat(provider).isInstanceOf(KubePrometheusProvider.class);
    assertThat(provider.kind()).isEqualTo(ComponentKind.ADDON);
    assertThat(provider.isDefaultFor(Clusters.ha())).isFalse();
  }

  @Test
  void settingsRoundTripThroughDescribeAndTheProvider() {
    KubePrometheus kp = KubePrometheus.defaults().prometheusReplicas(3).retention("1w2d").storage("50Gi")
        .storageClass("fast-ssd").alertmanagerReplicas(1).domain("mon.example.org").users(BasicAuth.generated("admin", "ops"));

    ComponentSpec spec = kp.describe();
    assertThat(spec.settings()).containsEntry("prometheusReplicas", "3").containsEntry("retention", "1w2d")
        .containsEntry("storage", "50Gi").containsEntry("storageClass", "fast-ssd").containsEntry("alertmanagerReplicas", "1")
        .containsEntry("domain", "mon.example.org").containsEntry("users", "admin,ops").hasSize(7);
    assertThat(spec.settings().values()).noneMatch(v -> kp.basicAuth().get().generatedPasswords().containsValue(v));
    KubePrometheus back = (KubePrometheus) new KubePrometheusProvider().create(spec);
    assertThat(back).isEqualTo(kp);
    assertThat(back.describe()).isEqualTo(spec);
    assertThat(back.validate(Clusters.ha())).isEmpty();
    assertThat(KubePrometheus.defaults().describe().settings()).isEmpty();
    assertThat(new KubePrometheusProvider().create(KubePrometheus.defaults().describe())).isEqualTo(KubePrometheus.defaults());
  }

  @Test
  void fluentSettersRejectBadValues() {
    KubePrometheus d = KubePrometheus.defaults();
    // bad values are stored and reported together by validate (so build() lists every problem at once)
    assertThat(d.retention("30 days").prometheusReplicas(0).alertmanagerReplicas(-1).storageClass("Fast_SSD")
        .domain("localhost").validate(Clusters.ha())).extracting(p -> p.value())
        .containsExactlyInAnyOrder("30 days", "0", "-1", "Fast_SSD", "localhost");
    assertThat(d.storage("ten gigs").validate(Clusters.ha())).extracting(p -> p.value()).containsExactly("ten gigs");
    assertThat(d.storage("0Gi").validate(Clusters.ha())).extracting(p -> p.value()).containsExactly("0Gi");
    assertThat(d.retention("12h").storage("500Mi").storage("1.5Ti").retention()).isEqualTo("12h");
  }

  @Test
  void validateReportsEverySettingItCannotUse() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("retention", "30 days");
    s.put("prometheusReplicas", "0");
    s.put("alertmanagerReplicas", "three");
    s.put("storage", "10 GB");
    s.put("storageClass", "Not A Class");
    s.put("domain", "bad domain");
    s.put("retension", "30d");
    List<Problem> problems = KubePrometheus.of(ComponentSpec.of("kube-prometheus", s)).validate(Clusters.ha());

    assertThat(problems).extracting(Problem::field).containsExactlyInAnyOrder(
        "components[kube-prometheus].settings.retension",
        "components[kube-prometheus].settings.alertmanagerReplicas",
        "components[kube-prometheus].settings.prometheusReplicas",
        "components[kube-prometheus].settings.retention",
        "components[kube-prometheus].settings.storage",
        "components[kube-prometheus].settings.storageClass",
        "components[kube-prometheus].settings.domain");
    assertThat(KubePrometheus.defaults().validate(Clusters.singleMaster())).isEmpty();
  }

  static Map<String, Object> upstream(String file) {
    return KubePrometheusManifests.single(MIRROR.fetch(KubePrometheusFiles.manifest(file)));
  }

  static Manifest manifest(Step step, String name) {
    return step.manifests().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
  }

  private static List<Map<String, Object>> docs(Manifest m) {
    return KubePrometheusManifests.documents(m.yaml()).stream().map(KubePrometheusTest::map).toList();
  }

  private static Map<String, Object> meta(Map<String, Object> o) {
    return map(o.get("metadata"));
  }

  static Map<String, Object> map(Object o) {
    return KubePrometheusManifests.map(o, "test object");
  }
}
