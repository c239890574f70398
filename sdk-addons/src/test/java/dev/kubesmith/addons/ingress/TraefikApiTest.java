package dev.kubesmith.addons.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.addons.testing.AddonApiContract;
import dev.kubesmith.addons.testing.Clusters;
import dev.kubesmith.addons.testing.MockCluster;
import dev.kubesmith.addons.testing.Plans;
import dev.kubesmith.addons.testing.Run;
import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.PlanContext;
import dev.kubesmith.exec.StepFailedException;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tier 2: Traefik for HA with a domain against fabric8's CRUD mock, and an app behind basic auth on
 * that domain (Secret, Middleware, IngressRoute) the way the monitoring and logging addons route
 * their UIs, with generated passwords.
 */
class TraefikApiTest extends AddonApiContract {
  static final String APP_STEP = "whoami-ingress";
  static final String HOST = "whoami.apps.example.com";

  @Override
  protected Plan plan() {
    return planWith(BasicAuth.generated("ops"));
  }

  private static Plan planWith(BasicAuth auth) {
    return Plans.of(Clusters.ha(), Traefik.ha().domain("apps.example.com"), new AppBehindBasicAuth(auth));
  }

  @Override
  protected String workloadToBreak() {
    return "daemonset/traefik/traefik";
  }

  @Test
  void appliesTheTraefikIoCrdsThenTraefikThenRoutesThatUseThem() {
    assertThat(first.stepsRun()).containsExactly(Traefik.STEP_CRDS, Traefik.STEP_TRAEFIK, APP_STEP);
    assertThat(first.applied(Traefik.STEP_CRDS)).hasSize(10)
        .allMatch(o -> o.startsWith("customresourcedefinitions.apiextensions.k8s.io ") && o.endsWith(".traefik.io"));
    assertThat(first.applied(Traefik.STEP_TRAEFIK)).startsWith("namespaces traefik")
        .contains("ingressclasses.networking.k8s.io traefik").endsWith("daemonsets.apps traefik/traefik");
    assertThat(first.applied(APP_STEP)).containsExactly("secrets traefik/basic-auth-users",
        "middlewares.traefik.io traefik/basic-auth", "ingressroutes.traefik.io traefik/whoami");
  }

  @Test
  void crdsThatNeverBecomeEstablishedFailTheFirstStepNamingThemAndNothingAfterItRuns() {
    try (MockCluster fresh = MockCluster.start()) {
      assertThatThrownBy(() -> fresh.apply(plan, false, Duration.ofMillis(600)))
          .isInstanceOf(StepFailedException.class)
          .hasMessageContaining("step traefik-crds failed on the Kubernetes API")
          .hasMessageContaining("crd/ingressroutes.traefik.io: not Established yet")
          .hasMessageContaining("crd/middlewares.traefik.io: not Established yet");

      assertThat(fresh.client().namespaces().withName("traefik").get()).isNull();
    }
  }

  @Test
  void keepsTheUsersSecretWhenARebuiltPlanGeneratesNewPasswords() {
    String before = users();
    BasicAuth regenerated = BasicAuth.generated("ops");

    Run rebuilt = cluster.apply(planWith(regenerated), false, MockCluster.READY_TIMEOUT);

    assertThat(regenerated.htpasswd()).startsWith("ops:$2y$10$").isNotEqualTo(before);
    assertThat(rebuilt.stepsRun()).isEmpty();
    assertThat(rebuilt.writes()).isEmpty();
    assertThat(users()).isEqualTo(before).startsWith("ops:$2y$10$");
  }

  private String users() {
    Secret s = cluster.client().secrets().inNamespace("traefik").withName(BasicAuth.SECRET_NAME).get();
    // the mock keeps stringData as applied; an API server would have moved it to data
    return s.getStringData() != null && s.getStringData().containsKey(BasicAuth.USERS_KEY)
        ? s.getStringData().get(BasicAuth.USERS_KEY)
        : new String(Base64.getDecoder().decode(s.getData().get(BasicAuth.USERS_KEY)), StandardCharsets.UTF_8);
  }

  /** An app on the Traefik domain behind basic auth, as the monitoring and logging addons route their UIs. */
  record AppBehindBasicAuth(BasicAuth auth) implements Component {
    @Override
    public String name() {
      return "whoami";
    }

    @Override
    public ComponentKind kind() {
      return ComponentKind.ADDON;
    }

    @Override
    public void contribute(PlanContext context) {
      context.add(Step.builder()
          .id(APP_STEP).phase(Phase.ADDONS).addAfterPhases(Phase.NODES).addDependsOn(Traefik.STEP_CRDS, Traefik.STEP_TRAEFIK)
          .description("whoami at " + HOST + " behind basic auth")
          .addManifests(auth.manifest(TraefikManifests.NAMESPACE))
          .addManifests(Manifest.of(APP_STEP, TraefikManifests.toYaml(
              List.of(BasicAuth.route(TraefikManifests.NAMESPACE, HOST, "whoami", 80)))))
          .build());
    }
  }
}
