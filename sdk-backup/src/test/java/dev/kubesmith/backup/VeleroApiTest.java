package dev.kubesmith.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.backup.minio.MinioCredentials;
import dev.kubesmith.backup.minio.MinioManifests;
import dev.kubesmith.backup.testing.Clusters;
import dev.kubesmith.backup.testing.Plans;
import dev.kubesmith.bootstrap.Bootstrap;
import dev.kubesmith.exec.StepContext;
import dev.kubesmith.exec.StepFailedException;
import dev.kubesmith.kube.ApiStepRunner;
import dev.kubesmith.kube.KubernetesApi;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.ssh.Redactor;
import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.StandInControllers;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tier 2: MinIO and Velero applied through ApiStepRunner to the CRUD mock server, and on-demand backups and restores. */
class VeleroApiTest {
  static final String PASSWORD = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978";
  static final List<String> CLUSTER_STEPS = List.of(Velero.STEP_MINIO, Velero.STEP_BUCKET, Velero.STEP_CRDS,
      Velero.STEP_VELERO, Velero.STEP_SCHEDULES);

  MockApi api;
  KubernetesClient client;
  StepContext ctx;

  @BeforeEach
  void start() {
    api = MockApi.start();
    client = api.client();
    ctx = new StepContext(new Redactor());
    ctx.putSecret(Bootstrap.ADMIN_KUBECONFIG, "unused: the runner talks to the mock's client");
    ctx.putSecret(MinioManifests.PASSWORD_SECRET, PASSWORD);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  ApiStepRunner runner(Duration readyTimeout) {
    return new ApiStepRunner(kubeconfig -> KubernetesApi.of(api.server().createClient()), readyTimeout);
  }

  private static Plan plan;

  static synchronized Plan plan() {
    if (plan == null) {
      plan = Plans.of(Clusters.ha(), VeleroTest.BACKUP);
    }
    return plan;
  }

  @Test
  void appliesMinioAndVeleroInOrderWaitingForThemAndFillsTheGeneratedPassword() throws Exception {
    drainRequests();
    try (StandInControllers controllers = StandInControllers.start(client); ApiStepRunner runner = runner(Duration.ofSeconds(20))) {
      for (String id : CLUSTER_STEPS) {
        runner.run(plan().requireStep(id), ctx);
      }
    }

    List<String> applied = appliedPaths();
    assertThat(applied).containsSubsequence(
        "/api/v1/namespaces/minio", "/api/v1/namespaces/minio/secrets/minio-root", "/api/v1/persistentvolumes/kubesmith-clustera-minio",
        "/api/v1/namespaces/minio/persistentvolumeclaims/minio-data", "/apis/apps/v1/namespaces/minio/deployments/minio",
        "/api/v1/namespaces/minio/services/minio", "/apis/batch/v1/namespaces/minio/jobs/minio-bucket",
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/backups.velero.io",
        "/api/v1/namespaces/velero", "/api/v1/namespaces/velero/secrets/cloud-credentials",
        "/apis/apps/v1/namespaces/velero/deployments/velero", "/apis/apps/v1/namespaces/velero/daemonsets/node-agent",
        "/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default",
        "/apis/velero.io/v1/namespaces/velero/schedules/test-daily");
    assertThat(MinioCredentials.read(client).password()).isEqualTo(PASSWORD);
    assertThat(MinioCredentials.read(client).toString()).doesNotContain(PASSWORD);
    assertThat(java.nio.file.Files.readString(java.nio.file.Path.of(System.getProperty("kubesmith.test.log"))))
        .doesNotContain(PASSWORD);
    var cloud = client.secrets().inNamespace("velero").withName("cloud-credentials").get();
    assertThat(secretText(cloud, "cloud")).contains("aws_access_key_id=kubesmith\naws_secret_access_key=" + PASSWORD);
    assertThat(client.persistentVolumeClaims().inNamespace("minio").withName("minio-data").get().getSpec().getVolumeName())
        .isEqualTo("kubesmith-clustera-minio");
    assertThat(client.persistentVolumes().withName("kubesmith-clustera-minio").get().getSpec().getNfs().getServer())
        .isEqualTo("198.18.4.50");
    GenericKubernetesResource schedule = client.genericKubernetesResources(context("Schedule", "schedules"))
        .inNamespace("velero").withName("test-daily").get();
    assertThat(schedule.getAdditionalProperties().get("spec").toString()).contains("schedule=@daily", "ttl=168h0m0s",
        "includedNamespaces=[test]");
  }

  @Test
  void isAlreadyDoneAfterwardsAndReapplyingChangesNothing() {
    try (StandInControllers controllers = StandInControllers.start(client); ApiStepRunner runner = runner(Duration.ofSeconds(20))) {
      for (String id : CLUSTER_STEPS) {
        Step step = plan().requireStep(id);
        assertThat(runner.alreadyDone(step, ctx)).as(id + " before").isFalse();
        runner.run(step, ctx);
      }
      int objects = countObjects();
      for (String id : CLUSTER_STEPS) {
        assertThat(runner.alreadyDone(plan().requireStep(id), ctx)).as(id + " after").isTrue();
      }
      for (String id : CLUSTER_STEPS) {
        runner.run(plan().requireStep(id), ctx);
      }
      assertThat(countObjects()).isEqualTo(objects);
      assertThat(MinioCredentials.read(client).password()).isEqualTo(PASSWORD);
    }
  }

  @Test
  void theBucketStepWaitsForItsJobAndFailsAtOnceWithTheJobsReasonWhenItFailed() {
    try (ApiStepRunner runner = runner(Duration.ofMinutes(5))) {
      Step bucket = plan().requireStep(Velero.STEP_BUCKET);
      assertThat(bucket.waitFor()).containsExactly("job/minio/minio-bucket");
      client.batch().v1().jobs().inNamespace("minio").resource(new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
          .withNewMetadata().withName("minio-bucket").withNamespace("minio").endMetadata()
          .withNewStatus().addNewCondition().withType("Failed").withStatus("True").withReason("BackoffLimitExceeded")
          .withMessage("Job has reached the specified backoff limit").endCondition().endStatus().build()).create();

      assertThatThrownBy(() -> runner.run(bucket, ctx)).isInstanceOf(StepFailedException.class)
          .hasMessageContaining("job/minio/minio-bucket failed: BackoffLimitExceeded")
          .hasMessageNotContaining("not ready after");
      assertThat(runner.alreadyDone(bucket, ctx)).isFalse();
    }
  }

  @Test
  void aNewPasswordMakesTheSecretsStepsNotDone() {
    try (StandInControllers controllers = StandInControllers.start(client); ApiStepRunner runner = runner(Duration.ofSeconds(20))) {
      runner.run(plan().requireStep(Velero.STEP_MINIO), ctx);
      StepContext other = new StepContext(new Redactor());
      other.putSecret(Bootstrap.ADMIN_KUBECONFIG, "unused");
      other.putSecret(MinioManifests.PASSWORD_SECRET, "another");

      assertThat(runner.alreadyDone(plan().requireStep(Velero.STEP_MINIO), other)).isFalse();
    }
  }

  @Test
  void failsNamingTheDeploymentThatNeverBecomesReady() {
    try (ApiStepRunner runner = runner(Duration.ofSeconds(1))) {
      assertThatThrownBy(() -> runner.run(plan().requireStep(Velero.STEP_MINIO), ctx))
          .isInstanceOf(StepFailedException.class)
          .hasMessageContaining("deployment/minio/minio: 0 of 1 replicas ready").hasMessageNotContaining(PASSWORD);
    }
  }

  @Test
  void onDemandBackupAndRestoreWaitForCompleted() throws Exception {
    VeleroRuns runs = VeleroRuns.of(client).poll(Duration.ofMillis(50));
    CompletableFuture<GenericKubernetesResource> backup = CompletableFuture.supplyAsync(() ->
        runs.backup("before-upgrade", List.of("test"), Duration.ofDays(2), Duration.ofSeconds(10)));
    setPhase("Backup", "backups", "before-upgrade", Map.of("phase", "InProgress"));
    setPhase("Backup", "backups", "before-upgrade", Map.of("phase", "Completed"));
    assertThat(backup.get(10, TimeUnit.SECONDS).getMetadata().getName()).isEqualTo("before-upgrade");

    CompletableFuture<GenericKubernetesResource> restore = CompletableFuture.supplyAsync(() ->
        runs.restore("before-upgrade-1", "before-upgrade", List.of(), Duration.ofSeconds(10)));
    setPhase("Restore", "restores", "before-upgrade-1", Map.of("phase", "Completed"));
    assertThat(restore.get(10, TimeUnit.SECONDS).getAdditionalProperties().get("spec").toString())
        .contains("backupName=before-upgrade");
  }

  @Test
  void aPartiallyFailedBackupCarriesVelerosReasonAndCounts() throws Exception {
    VeleroRuns runs = VeleroRuns.of(client).poll(Duration.ofMillis(50));
    CompletableFuture<GenericKubernetesResource> backup = CompletableFuture.supplyAsync(() ->
        runs.backup("nightly-1", List.of("test"), Duration.ofDays(2), Duration.ofSeconds(10)));
    setPhase("Backup", "backups", "nightly-1", Map.of("phase", "PartiallyFailed", "errors", 2, "warnings", 1,
        "failureReason", "pod volume backup failed: data: kopia: connection refused"));

    assertThatThrownBy(() -> unwrap(backup))
        .isInstanceOf(VeleroRunFailedException.class)
        .hasMessageStartingWith("Backup velero/nightly-1 ended PartiallyFailed: 2 error(s), 1 warning(s); failure reason:"
            + " pod volume backup failed: data: kopia: connection refused; see `velero backup describe nightly-1 --details`");
  }

  @Test
  void aRestoreFailingValidationListsTheValidationErrors() throws Exception {
    VeleroRuns runs = VeleroRuns.of(client).poll(Duration.ofMillis(50));
    CompletableFuture<GenericKubernetesResource> restore = CompletableFuture.supplyAsync(() ->
        runs.restore("r1", "missing", List.of(), Duration.ofSeconds(10)));
    setPhase("Restore", "restores", "r1", Map.of("phase", "FailedValidation",
        "validationErrors", List.of("backup.velero.io \"missing\" not found")));

    assertThatThrownBy(() -> unwrap(restore))
        .isInstanceOfSatisfying(VeleroRunFailedException.class, e -> {
          assertThat(e.phase()).isEqualTo("FailedValidation");
          assertThat(e.validationErrors()).containsExactly("backup.velero.io \"missing\" not found");
        })
        .hasMessageContaining("Restore velero/r1 ended FailedValidation; validation errors: backup.velero.io \"missing\" not found");
  }

  @Test
  void aBackupThatNeverFinishesTimesOutNamingTheLastPhase() {
    VeleroRuns runs = VeleroRuns.of(client).poll(Duration.ofMillis(50));

    assertThatThrownBy(() -> runs.backup("slow", List.of(), Duration.ofDays(1), Duration.ofMillis(300)))
        .isInstanceOf(VeleroRunFailedException.class)
        .hasMessageContaining("Backup velero/slow did not finish within 0 s (last phase none: is the Velero server running?)");
  }

  @Test
  void aBackupWaitPollsThroughApiServerErrorsUntilCompleted() {
    // given a Completed backup, and an API server that answers the next two polls 503 (a client without
    // fabric8's own retries, so each 503 reaches the wait)
    client.genericKubernetesResources(context("Backup", "backups")).inNamespace("velero")
        .resource(backup("nightly-2", Map.of("phase", "Completed"))).create();
    api.server().expect().get().withPath("/apis/velero.io/v1/namespaces/velero/backups/nightly-2")
        .andReturn(503, "{\"kind\":\"Status\",\"code\":503,\"message\":\"etcdserver: leader changed\"}").times(2);

    try (KubernetesClient noRetries = clientWithoutRetries()) {
      // when
      GenericKubernetesResource done = VeleroRuns.of(noRetries).poll(Duration.ofMillis(20))
          .awaitBackup("nightly-2", Duration.ofSeconds(10));

      // then
      assertThat(done.getMetadata().getName()).isEqualTo("nightly-2");
    }
  }

  @Test
  void aBackupWaitEndsAtOnceOnAForbiddenAnswer() {
    api.server().expect().get().withPath("/apis/velero.io/v1/namespaces/velero/backups/nightly-3")
        .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"message\":\"forbidden\"}").always();

    try (KubernetesClient noRetries = clientWithoutRetries()) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> VeleroRuns.of(noRetries).poll(Duration.ofMillis(20))
          .awaitBackup("nightly-3", Duration.ofSeconds(30)))
          .isInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class).hasMessageContaining("403");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void aWaitThatOnlyEverGetsServerErrorsTimesOutNamingTheLastAnswer() {
    api.server().expect().get().withPath("/apis/velero.io/v1/namespaces/velero/backups/nightly-4")
        .andReturn(503, "{\"kind\":\"Status\",\"code\":503,\"message\":\"unavailable\"}").always();

    try (KubernetesClient noRetries = clientWithoutRetries()) {
      assertThatThrownBy(() -> VeleroRuns.of(noRetries).poll(Duration.ofMillis(20))
          .awaitBackup("nightly-4", Duration.ofMillis(300)))
          .isInstanceOf(VeleroRunFailedException.class)
          .hasMessageContaining("Backup velero/nightly-4 did not finish within 0 s")
          .hasMessageContaining("the API server answered HTTP 503 to the last poll");
    }
  }

  private KubernetesClient clientWithoutRetries() {
    return new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
        new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0).build())
        .build();
  }

  private static GenericKubernetesResource backup(String name, Map<String, Object> status) {
    GenericKubernetesResource r = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper().convertValue(
        VeleroRuns.backupObject(name, List.of(), Duration.ofDays(1)), GenericKubernetesResource.class);
    r.getAdditionalProperties().put("status", status);
    return r;
  }

  @Test
  void rejectsBadNamesBeforeCreatingAnything() {
    assertThatThrownBy(() -> VeleroRuns.of(client).backup("Nightly 1", List.of(), Duration.ofDays(1), Duration.ofSeconds(1)))
        .hasMessageContaining("backup name 'Nightly 1' is not a DNS-1123 label").hasMessageContaining("write e.g. nightly-1");
  }

  private void setPhase(String kind, String plural, String name, Map<String, Object> status) throws InterruptedException {
    var resources = client.genericKubernetesResources(context(kind, plural)).inNamespace("velero");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (resources.withName(name).get() == null) {
      assertThat(System.nanoTime()).as(kind + " " + name + " created").isLessThan(deadline);
      Thread.sleep(20);
    }
    resources.withName(name).edit(r -> {
      r.getAdditionalProperties().put("status", status);
      return r;
    });
  }

  private static Object unwrap(CompletableFuture<?> f) throws Throwable {
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause();
    }
  }

  static ResourceDefinitionContext context(String kind, String plural) {
    return new ResourceDefinitionContext.Builder().withGroup("velero.io").withVersion("v1").withKind(kind).withPlural(plural)
        .withNamespaced(true).build();
  }

  private int countObjects() {
    return client.namespaces().list().getItems().size() + client.secrets().inAnyNamespace().list().getItems().size()
        + client.apps().deployments().inAnyNamespace().list().getItems().size()
        + client.apiextensions().v1().customResourceDefinitions().list().getItems().size()
        + client.genericKubernetesResources(context("Schedule", "schedules")).inAnyNamespace().list().getItems().size();
  }

  private static String secretText(io.fabric8.kubernetes.api.model.Secret s, String key) {
    if (s.getStringData() != null && s.getStringData().get(key) != null) {
      return s.getStringData().get(key);
    }
    return new String(java.util.Base64.getDecoder().decode(s.getData().get(key)), java.nio.charset.StandardCharsets.UTF_8);
  }

  private void drainRequests() throws InterruptedException {
    while (api.server().takeRequest(1, TimeUnit.MILLISECONDS) != null) {
      // earlier requests
    }
  }

  /** Paths of the server-side applies (PATCH with an apply-patch body), in the order the server got them. */
  private List<String> appliedPaths() throws InterruptedException {
    List<String> paths = new ArrayList<>();
    RecordedRequest r;
    while ((r = api.server().takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
      if ("PATCH".equals(r.getMethod()) && String.valueOf(r.getHeader("Content-Type")).contains("apply-patch")) {
        paths.add(r.getPath().replaceAll("\\?.*", ""));
      }
    }
    return paths;
  }
}
