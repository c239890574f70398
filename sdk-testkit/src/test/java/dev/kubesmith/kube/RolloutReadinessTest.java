package dev.kubesmith.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Readiness;
import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.StandInControllers;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Readiness as {@code kubectl rollout status} and {@code kubectl wait --for=condition=complete} read
 * it: a workload is ready only for its current generation with every replica updated; a Job when
 * Complete, and a Failed Job fails the wait at once.
 */
class RolloutReadinessTest {
  private static final String WEB = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: demo}
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: web, image: "nginx:%s"}]}
      """;
  private static final String BUCKET_JOB = """
      apiVersion: batch/v1
      kind: Job
      metadata: {name: minio-bucket, namespace: minio}
      spec:
        backoffLimit: 2
        template:
          spec:
            restartPolicy: OnFailure
            containers: [{name: mc, image: minio/mc}]
      """;
  private static final Readiness WEB_WAIT = Readiness.parse("deployment/demo/web");
  private static final Readiness JOB_WAIT = Readiness.parse("job/minio/minio-bucket");

  private MockApi mock;
  private KubernetesClient client;
  private KubernetesApi api;

  @BeforeEach
  void start() {
    mock = MockApi.start();
    client = mock.client();
    api = KubernetesApi.of(client);
  }

  @AfterEach
  void stop() {
    mock.close();
  }

  @Test
  void aDeploymentWhoseControllerHasNotObservedTheNewSpecIsNotReady() {
    // given: generation 1 rolled out in full
    api.apply(Manifest.of("web", WEB.formatted("1.27")));
    markDeployment(1L, 2, 2);
    assertThat(api.whyNotReady(WEB_WAIT)).isNull();

    // when: a new spec is applied, and the controller has not caught up
    api.apply(Manifest.of("web", WEB.formatted("1.29")));

    // then: the old pods do not pass the wait for the new spec
    assertThat(client.apps().deployments().inNamespace("demo").withName("web").get().getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(api.whyNotReady(WEB_WAIT)).isEqualTo("generation 2 not observed by its controller yet (observed 1)");
  }

  @Test
  void aDeploymentHalfwayThroughItsRolloutIsNotReady() {
    api.apply(Manifest.of("web", WEB.formatted("1.29")));
    markDeployment(1L, 2, 1);

    assertThat(api.whyNotReady(WEB_WAIT)).isEqualTo("1 of 2 replicas updated to the current spec");
  }

  @Test
  void aStatefulSetWithOldReplicasLeftIsNotReady() {
    client.apps().statefulSets().inNamespace("logging").resource(new io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder()
        .withNewMetadata().withName("es").withNamespace("logging").endMetadata().withNewSpec().withReplicas(3).endSpec()
        .build()).create();
    client.apps().statefulSets().inNamespace("logging").withName("es").editStatus(s -> {
      s.setStatus(new StatefulSetStatusBuilder().withObservedGeneration(1L).withReplicas(3).withReadyReplicas(3)
          .withAvailableReplicas(3).withUpdatedReplicas(2).build());
      return s;
    });

    assertThat(api.whyNotReady(Readiness.parse("statefulset/logging/es"))).isEqualTo("2 of 3 replicas updated to the current spec");
  }

  @Test
  void aDaemonSetIsReadyOnlyWhenEveryScheduledPodIsUpdatedAndAvailable() {
    client.apps().daemonSets().inNamespace("velero").resource(new io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder()
        .withNewMetadata().withName("node-agent").withNamespace("velero").endMetadata().withNewSpec().endSpec().build()).create();
    Readiness agent = Readiness.parse("daemonset/velero/node-agent");

    markDaemonSet(1L, 3, 2, 3);
    assertThat(api.whyNotReady(agent)).isEqualTo("2 of 3 pods updated to the current spec");
    markDaemonSet(1L, 3, 3, 2);
    assertThat(api.whyNotReady(agent)).isEqualTo("2 of 3 pods available");
    markDaemonSet(0L, 3, 3, 3);
    assertThat(api.whyNotReady(agent)).startsWith("generation 1 not observed");
    markDaemonSet(1L, 3, 3, 3);
    assertThat(api.whyNotReady(agent)).isNull();
  }

  @Test
  void aJobIsReadyWhenComplete() {
    api.apply(Manifest.of("job", BUCKET_JOB));
    assertThat(api.whyNotReady(JOB_WAIT)).isEqualTo("not Complete yet: 0 of 1 completions succeeded");

    markJob("Complete", "CompletionsReached", null);

    assertThat(api.whyNotReady(JOB_WAIT)).isNull();
  }

  @Test
  void aFailedJobFailsTheWaitAtOnceWithItsReason() {
    api.apply(Manifest.of("job", BUCKET_JOB));
    markJob("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit");

    assertThatThrownBy(() -> api.waitReady(List.of(JOB_WAIT), Duration.ofMinutes(5)))
        .isInstanceOf(KubernetesApi.NotReadyException.class)
        .hasMessageStartingWith("job/minio/minio-bucket failed: BackoffLimitExceeded (Job has reached the specified backoff limit)")
        .hasMessageContaining("kubectl -n minio logs job/minio-bucket")
        .hasMessageNotContaining("not ready after");
  }

  @Test
  void theStandInsCompleteJobsAndFollowANewGeneration() {
    try (StandInControllers controllers = StandInControllers.onEvents(client)) {
      api.apply(Manifest.of("web", WEB.formatted("1.27")));
      api.apply(Manifest.of("job", BUCKET_JOB));
      api.waitReady(List.of(WEB_WAIT, JOB_WAIT), Duration.ofSeconds(10));

      api.apply(Manifest.of("web", WEB.formatted("1.29")));
      api.waitReady(List.of(WEB_WAIT), Duration.ofSeconds(10));
    }

    var web = client.apps().deployments().inNamespace("demo").withName("web").get();
    assertThat(web.getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(web.getStatus().getObservedGeneration()).isEqualTo(2L);
    assertThat(client.batch().v1().jobs().inNamespace("minio").withName("minio-bucket").get().getStatus().getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus()).contains("Complete=True");
  }

  private void markDeployment(long observed, int ready, int updated) {
    client.apps().deployments().inNamespace("demo").withName("web").editStatus(d -> {
      d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(observed).withReplicas(2).withReadyReplicas(ready)
          .withAvailableReplicas(ready).withUpdatedReplicas(updated).build());
      return d;
    });
  }

  private void markDaemonSet(long observed, int desired, int updated, int available) {
    client.apps().daemonSets().inNamespace("velero").withName("node-agent").editStatus(d -> {
      d.setStatus(new DaemonSetStatusBuilder().withObservedGeneration(observed).withDesiredNumberScheduled(desired)
          .withCurrentNumberScheduled(desired).withNumberReady(desired).withUpdatedNumberScheduled(updated)
          .withNumberAvailable(available).build());
      return d;
    });
  }

  private void markJob(String type, String reason, String message) {
    client.batch().v1().jobs().inNamespace("minio").withName("minio-bucket").editStatus(j -> {
      j.setStatus(new JobStatusBuilder().withConditions(new JobConditionBuilder().withType(type).withStatus("True")
          .withReason(reason).withMessage(message).build()).build());
      return j;
    });
  }
}
