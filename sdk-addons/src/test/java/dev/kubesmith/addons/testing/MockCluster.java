package dev.kubesmith.addons.testing;

import dev.kubesmith.bootstrap.Bootstrap;
import dev.kubesmith.exec.StepContext;
import dev.kubesmith.kube.ApiStepRunner;
import dev.kubesmith.kube.KubernetesApi;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Readiness;
import dev.kubesmith.plan.Step;
import dev.kubesmith.ssh.Redactor;
import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.ServerSideApplyDispatcher;
import dev.kubesmith.testkit.StandInControllers;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tier 2 for addons: their API steps run against fabric8's CRUD mock server (with sdk-testkit's
 * {@link ServerSideApplyDispatcher}) through the real {@link ApiStepRunner} and
 * {@link KubernetesApi}, as a build runs them: check whether the step is already applied, else apply
 * it and wait. sdk-testkit's StandInControllers ({@link StandInControllers#onEvents}) play the API server and
 * the controllers meanwhile (CRDs Established, workloads ready), so the waits can pass. Every request
 * the mock gets is recorded per step, so a test can say what was written and in which order.
 *
 * <pre>{@code
 * try (MockCluster cluster = MockCluster.start()) {
 *   Plan plan = Plans.of(Clusters.ha(), Traefik.ha());
 *   Run first = cluster.apply(plan);
 *   assertThat(first.orderProblems()).isEmpty();
 *   assertThat(cluster.apply(plan, false, MockCluster.READY_TIMEOUT).writes()).isEmpty();   // idempotent
 * }
 * }</pre>
 */
public final class MockCluster implements AutoCloseable {
  /** Long enough for the stand-in controllers on a busy machine, short enough that a broken wait fails soon. */
  public static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

  /** Held so the level sticks: the mock web server logs every request at INFO through java.util.logging. */
  private static final Logger REQUEST_LOG = Logger.getLogger(MockWebServer.class.getName());

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private MockCluster(KubernetesMockServer server) {
    this.server = server;
    this.client = server.createClient();
  }

  /**
   * A fresh, empty API on 127.0.0.1 over plain HTTP: sdk-testkit's {@link MockApi} speaks HTTPS (the
   * sandbox's haproxy checks it), and encrypting megabytes of CRDs cost a fifth of these tests' time.
   * Same dispatcher as MockApi's: the CRUD mock with server-side apply.
   */
  public static MockCluster start() {
    if (REQUEST_LOG.getLevel() == null) {
      REQUEST_LOG.setLevel(Level.WARNING);
    }
    KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(),
        new HashMap<>(), new ServerSideApplyDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    return new MockCluster(server);
  }

  /** A client of the mock, to look at what the steps left there. */
  public KubernetesClient client() {
    return client;
  }

  /** Runs the plan's API steps with the stand-in controllers making everything ready. */
  public Run apply(Plan plan) {
    return apply(plan, true, READY_TIMEOUT);
  }

  /**
   * Runs the plan's API steps ({@link #apiSteps}) in plan order, each skipped when the runner's check
   * says it is already applied.
   *
   * @param controllers whether the stand-in controllers run; without them nothing new gets ready
   * @throws dev.kubesmith.exec.StepFailedException as the runner throws it, e.g. when a wait times out
   */
  public Run apply(Plan plan, boolean controllers, Duration readyTimeout) {
    takeRequests();
    StepContext ctx = new StepContext(new Redactor());
    ctx.putSecret(Bootstrap.ADMIN_KUBECONFIG, "apiVersion: v1\nkind: Config\n");
    List<String> alreadyApplied = new ArrayList<>();
    Map<String, List<RecordedRequest>> requests = new LinkedHashMap<>();
    try (StandInControllers standIns = controllers ? StandInControllers.onEvents(client) : null;
        ApiStepRunner runner = new ApiStepRunner(kubeconfig -> KubernetesApi.of(server.createClient()), readyTimeout)) {
      for (Step step : apiSteps(plan)) {
        if (runner.alreadyDone(step, ctx)) {
          alreadyApplied.add(step.id());
        } else {
          runner.run(step, ctx);
        }
        requests.put(step.id(), takeRequests());
      }
    }
    return new Run(plan, alreadyApplied, requests);
  }

  /** The steps {@link #apply} runs, in plan order: those without a host, except the {@link Plans#NODES_READY} stand-in. */
  public static List<Step> apiSteps(Plan plan) {
    return plan.steps().stream().filter(s -> s.host().isEmpty() && !s.id().equals(Plans.NODES_READY)).toList();
  }

  /**
   * Makes a workload not ready, as when its pods crash after the install, with a Warning event about
   * it, e.g. {@code breaks("deployment/monitoring/grafana", "BackOff", "Back-off restarting failed container")}.
   */
  public void breaks(String readiness, String reason, String message) {
    Readiness w = Readiness.parse(readiness);
    KubernetesClient c = client;
    switch (w.kind()) {
      case DEPLOYMENT -> c.apps().deployments().inNamespace(w.namespace()).withName(w.name())
          .editStatus(d -> { d.getStatus().setReadyReplicas(0); return d; });
      case STATEFULSET -> c.apps().statefulSets().inNamespace(w.namespace()).withName(w.name())
          .editStatus(s -> { s.getStatus().setReadyReplicas(0); return s; });
      case DAEMONSET -> c.apps().daemonSets().inNamespace(w.namespace()).withName(w.name())
          .editStatus(d -> { d.getStatus().setNumberReady(0); return d; });
      case CRD -> throw new IllegalArgumentException("a CRD stays Established: " + readiness);
      case JOB -> throw new IllegalArgumentException("a Complete Job stays Complete: " + readiness);
    }
    c.v1().events().inNamespace(w.namespace()).resource(new EventBuilder()
        .withNewMetadata().withGenerateName(w.name() + ".").withNamespace(w.namespace()).endMetadata()
        .withNewInvolvedObject().withName(w.name() + "-0").withKind("Pod").withNamespace(w.namespace()).endInvolvedObject()
        .withType("Warning").withReason(reason).withMessage(message).build()).create();
  }

  /**
   * Objects of the run the mock does not hold with kubesmith's applied-hash annotation (should be
   * none), as {@link Run#applied()} names them.
   */
  public List<String> withoutAppliedHash(Run run) {
    List<String> missing = new ArrayList<>();
    for (AppliedObject o : run.appliedObjects()) {
      String json = client.raw(o.path());
      Map<String, String> annotations = json == null ? null
          : Serialization.unmarshal(json, GenericKubernetesResource.class).getMetadata().getAnnotations();
      if (annotations == null || annotations.get(KubernetesApi.APPLIED_HASH) == null) {
        missing.add(o.ref());
      }
    }
    return missing;
  }

  private List<RecordedRequest> takeRequests() {
    List<RecordedRequest> taken = new ArrayList<>();
    try {
      for (RecordedRequest r = server.takeRequest(0, TimeUnit.MILLISECONDS); r != null;
          r = server.takeRequest(0, TimeUnit.MILLISECONDS)) {
        taken.add(r);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return taken;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
