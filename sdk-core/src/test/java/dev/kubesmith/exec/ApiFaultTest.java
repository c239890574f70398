package dev.kubesmith.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.kube.ApiStepRunner;
import dev.kubesmith.kube.KubernetesApi;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.NetworkPlan;
import dev.kubesmith.spec.Topology;
import dev.kubesmith.ssh.Redactor;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 11: API faults as the real ApiStepRunner sees them from an API server, not thrown by a fake runner. */
@EnableKubernetesMockClient
class ApiFaultTest {
  static KubernetesMockServer server;
  static KubernetesClient client;

  private static final String PATH = "/api/v1/namespaces/default/configmaps/cm?fieldManager=kubesmith&force=true";

  private static Step step() {
    return Step.builder().id("cm").phase(Phase.ADDONS).description("cm").addManifests(Manifest.of("cm",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: default}\ndata: {k: v}\n")).build();
  }

  private static dev.kubesmith.plan.Plan plan() {
    return new PlanBuilder().add(step()).build(ClusterSpec.builder().topology(Topology.SINGLE_MASTER)
        .network(NetworkPlan.builder().podCidr("10.0.0.0/16").serviceCidr("10.96.0.0/12").build()).build());
  }

  /** A client made as the build makes it (fabric8's own retries off), from a kubeconfig's text. */
  private static KubernetesApi api() {
    return KubernetesApi.fromKubeconfig("""
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster: {server: "%s", insecure-skip-tls-verify: true}
        users:
        - name: admin
          user: {token: mock-token}
        contexts:
        - name: admin@mock
          context: {cluster: mock, user: admin}
        current-context: admin@mock
        """.formatted(client.getConfiguration().getMasterUrl()), java.util.Optional.empty());
  }

  private static String status(int code, String message, Integer retryAfter) {
    return Serialization.asJson(new StatusBuilder().withKind("Status").withApiVersion("v1").withStatus("Failure")
        .withCode(code).withMessage(message).withNewDetails().withRetryAfterSeconds(retryAfter).endDetails().build());
  }

  @Test
  void a429FromTheApiServerWaitsAsLongAsItsRetryAfterSaysThroughTheApiRunner() {
    server.expect().get().withPath("/api/v1/namespaces/default/configmaps/cm").andReturn(404, "").always();
    java.util.concurrent.atomic.AtomicInteger patches = new java.util.concurrent.atomic.AtomicInteger();
    String ok = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\",\"namespace\":\"default\"}}";
    server.expect().patch().withPath(PATH).andReply(new io.fabric8.mockwebserver.utils.ResponseProvider<Object>() {
      private io.fabric8.mockwebserver.http.Headers headers = io.fabric8.mockwebserver.http.Headers.builder().build();

      @Override
      public int getStatusCode(io.fabric8.mockwebserver.http.RecordedRequest request) {
        return patches.incrementAndGet() <= 2 ? 429 : 200;
      }

      @Override
      public Object getBody(io.fabric8.mockwebserver.http.RecordedRequest request) {
        return patches.get() <= 2 ? status(429, "storage is (re)initializing", 4) : ok;
      }

      @Override
      public io.fabric8.mockwebserver.http.Headers getHeaders() {
        return headers;
      }

      @Override
      public void setHeaders(io.fabric8.mockwebserver.http.Headers h) {
        headers = h;
      }
    }).always();
    FaultRetryTest.SimulatedClock clock = new FaultRetryTest.SimulatedClock();
    Retries retries = Retries.ofDefaults().withSleeper(clock);

    BuildResult r = BuildExecutor.builder().runner(ApiStepRunner.of(api(), Duration.ZERO))
        .retries(retries).build().execute(plan(), Journal.inMemory());

    assertThat(r.ran()).containsExactly("cm");
    assertThat(patches).hasValue(3);
    assertThat(clock.waits).containsExactly(Duration.ofSeconds(4), Duration.ofSeconds(4));
  }

  @Test
  void a4xxQuotingASecretsValueKeepsItOutOfTheBuildFailure() {
    String password = "Minio-Root-4242-zz";
    String b64 = java.util.Base64.getEncoder().encodeToString(password.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    server.expect().get().withPath("/api/v1/namespaces/default/configmaps/cm").andReturn(404, "").always();
    server.expect().patch().withPath(PATH).andReturn(403, status(403, "admission webhook \"policy.example.com\" denied"
        + " the request: object {\"data\":{\"password\":\"" + b64 + "\"},\"stringData\":{\"password\":\"" + password
        + "\"}}", null)).once();
    Redactor redactor = new Redactor();
    redactor.add(password);

    assertThatThrownBy(() -> BuildExecutor.builder().runner(ApiStepRunner.of(api(), Duration.ZERO)).retries(Retries.none())
        .redactor(redactor).build().execute(plan(), Journal.inMemory()))
        .isInstanceOf(BuildFailedException.class).hasMessageContaining("HTTP 403").hasMessageContaining("denied")
        .satisfies(e -> {
          for (Throwable c = e; c != null; c = c.getCause()) {
            assertThat(c.getMessage()).doesNotContain(password).doesNotContain(b64);
          }
        });
  }
}
