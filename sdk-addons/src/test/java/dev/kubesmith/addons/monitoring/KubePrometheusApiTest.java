package dev.kubesmith.addons.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.addons.ingress.Traefik;
import dev.kubesmith.addons.testing.AddonApiContract;
import dev.kubesmith.addons.testing.Clusters;
import dev.kubesmith.addons.testing.Plans;
import dev.kubesmith.plan.Plan;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tier 2: kube-prometheus with its UIs on a domain behind basic auth against fabric8's CRUD mock,
 * with Traefik, whose CRDs the IngressRoutes need.
 */
class KubePrometheusApiTest extends AddonApiContract {
  @Override
  protected Plan plan() {
    return Plans.of(Clusters.ha(), Traefik.ha(), KubePrometheus.defaults().domain("apps.example.com"));
  }

  @Override
  protected String workloadToBreak() {
    return "deployment/monitoring/grafana";
  }

  @Test
  void appliesTheSetupCrdsThenTheStackThenTheIngressAfterTraefiksCrds() {
    assertThat(first.stepsRun()).containsSubsequence(KubePrometheus.STEP_SETUP, KubePrometheus.STEP_MAIN, KubePrometheus.STEP_INGRESS)
        .containsSubsequence(Traefik.STEP_CRDS, KubePrometheus.STEP_INGRESS);
    assertThat(first.applied(KubePrometheus.STEP_SETUP)).hasSize(11).contains("namespaces monitoring")
        .filteredOn(o -> !o.startsWith("namespaces ")).allMatch(o -> o.startsWith("customresourcedefinitions.apiextensions.k8s.io ")
            && o.endsWith(".monitoring.coreos.com"));
    assertThat(first.applied(KubePrometheus.STEP_MAIN)).contains("prometheuses.monitoring.coreos.com monitoring/k8s",
        "alertmanagers.monitoring.coreos.com monitoring/main", "deployments.apps monitoring/grafana",
        "daemonsets.apps monitoring/node-exporter");
    assertThat(first.applied(KubePrometheus.STEP_INGRESS)).startsWith("secrets monitoring/basic-auth-users",
        "middlewares.traefik.io monitoring/basic-auth", "ingressroutes.traefik.io monitoring/prometheus-k8s");
  }

  @Test
  void leavesPrometheusPatchedForRetentionAndStorageAndItsUiBehindBasicAuth() {
    GenericKubernetesResource prometheus = cluster.client().genericKubernetesResources("monitoring.coreos.com/v1", "Prometheus")
        .inNamespace("monitoring").withName("k8s").get();
    GenericKubernetesResource route = cluster.client().genericKubernetesResources("traefik.io/v1alpha1", "IngressRoute")
        .inNamespace("monitoring").withName("grafana").get();

    assertThat((Object) prometheus.get("spec", "retention")).isEqualTo("30d");
    assertThat((Object) prometheus.get("spec", "replicas")).isEqualTo(2);
    assertThat((Object) route.get("spec", "routes", 0, "match")).isEqualTo("Host(`grafana.apps.example.com`)");
    assertThat((Object) route.get("spec", "routes", 0, "middlewares")).isEqualTo(List.of(Map.of("name", "basic-auth")));
  }
}
