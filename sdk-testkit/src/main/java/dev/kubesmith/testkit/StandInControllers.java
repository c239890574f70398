package dev.kubesmith.testkit;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the API server and the controllers of a real cluster would do to the objects the SDK
 * applies, for a mock API that has no controllers: CRDs become {@code Established}, Deployments and
 * StatefulSets report every replica of their current generation updated, ready and available,
 * DaemonSets one such pod per node in the mock, Jobs {@code Complete} with every completion
 * succeeded. Only status is written, as the controllers would, with {@code observedGeneration} set
 * to the generation they acted on; the SDK's waits ({@code KubernetesApi.waitReady}) read exactly
 * those fields, so a wait passes only for objects that were applied, and only for their latest spec.
 *
 * <pre>{@code
 * try (MockApi api = MockApi.start(); StandInControllers controllers = StandInControllers.start(api.client())) {
 *   // apply addons; their readiness waits pass once the stand-ins have marked the objects
 * }
 * }</pre>
 *
 * {@link #start} makes a pass every 200 ms. With large CRDs (kube-prometheus' are 4 MB) each pass
 * costs, so {@link #onEvents} passes when the mock reports a new CRD or workload, and every 2 s in
 * case a watch missed one. Closing rethrows what broke a pass, so a broken stand-in fails the test
 * rather than a later wait.
 */
public final class StandInControllers implements AutoCloseable {
  private final KubernetesClient client;
  private final ScheduledExecutorService loop;
  private final AtomicInteger marked = new AtomicInteger();
  private final AtomicBoolean pending = new AtomicBoolean();
  private final List<Watch> watches = new ArrayList<>();
  private volatile RuntimeException failure;

  private StandInControllers(KubernetesClient client, Duration period, boolean onEvents) {
    this.client = client;
    this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "stand-in-controllers");
      t.setDaemon(true);
      return t;
    });
    if (onEvents) {
      watches.add(client.apiextensions().v1().customResourceDefinitions().watch(onAdded()));
      watches.add(client.apps().deployments().inAnyNamespace().watch(onAdded()));
      watches.add(client.apps().statefulSets().inAnyNamespace().watch(onAdded()));
      watches.add(client.apps().daemonSets().inAnyNamespace().watch(onAdded()));
      watches.add(client.batch().v1().jobs().inAnyNamespace().watch(onAdded()));
    }
    loop.scheduleWithFixedDelay(this::request, 0, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Marks objects every 200 ms until closed. */
  public static StandInControllers start(KubernetesClient client) {
    return new StandInControllers(client, Duration.ofMillis(200), false);
  }

  /** Marks objects when the API reports a new CRD, workload or Job, and every 2 s, until closed. */
  public static StandInControllers onEvents(KubernetesClient client) {
    return new StandInControllers(client, Duration.ofSeconds(2), true);
  }

  /** How many status updates the stand-ins have written so far. */
  public int marked() {
    return marked.get();
  }

  /** One pass over every CRD and workload, synchronously. */
  public void reconcile() {
    for (CustomResourceDefinition crd : client.apiextensions().v1().customResourceDefinitions().list().getItems()) {
      boolean established = crd.getStatus() != null && crd.getStatus().getConditions() != null
          && crd.getStatus().getConditions().stream().anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
      if (!established) {
        crd.setStatus(new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionStatusBuilder()
            .withConditions(new CustomResourceDefinitionConditionBuilder().withType("Established").withStatus("True")
                .withReason("InitialNamesAccepted").build())
            .withNewAcceptedNames().withKind(crd.getSpec().getNames().getKind())
            .withPlural(crd.getSpec().getNames().getPlural()).endAcceptedNames()
            .build());
        client.resource(crd).updateStatus();
        marked.incrementAndGet();
      }
    }
    for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
      int want = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
      Long generation = d.getMetadata().getGeneration();
      var st = d.getStatus();
      if (st == null || !Objects.equals(st.getObservedGeneration(), generation) || !Objects.equals(st.getReadyReplicas(), want)
          || !Objects.equals(st.getUpdatedReplicas(), want) || !Objects.equals(st.getAvailableReplicas(), want)) {
        d.setStatus(new DeploymentStatusBuilder().withReplicas(want).withReadyReplicas(want).withAvailableReplicas(want)
            .withUpdatedReplicas(want).withObservedGeneration(generation).build());
        client.resource(d).updateStatus();
        marked.incrementAndGet();
      }
    }
    for (StatefulSet s : client.apps().statefulSets().inAnyNamespace().list().getItems()) {
      int want = Objects.requireNonNullElse(s.getSpec().getReplicas(), 1);
      Long generation = s.getMetadata().getGeneration();
      var st = s.getStatus();
      if (st == null || !Objects.equals(st.getObservedGeneration(), generation) || !Objects.equals(st.getReadyReplicas(), want)
          || !Objects.equals(st.getUpdatedReplicas(), want) || !Objects.equals(st.getAvailableReplicas(), want)) {
        s.setStatus(new StatefulSetStatusBuilder().withReplicas(want).withReadyReplicas(want).withCurrentReplicas(want)
            .withUpdatedReplicas(want).withAvailableReplicas(want).withObservedGeneration(generation).build());
        client.resource(s).updateStatus();
        marked.incrementAndGet();
      }
    }
    int nodes = Math.max(1, client.nodes().list().getItems().size());
    for (DaemonSet ds : client.apps().daemonSets().inAnyNamespace().list().getItems()) {
      Long generation = ds.getMetadata().getGeneration();
      var st = ds.getStatus();
      if (st == null || !Objects.equals(st.getObservedGeneration(), generation) || !Objects.equals(st.getNumberReady(), nodes)
          || !Objects.equals(st.getDesiredNumberScheduled(), nodes) || !Objects.equals(st.getUpdatedNumberScheduled(), nodes)
          || !Objects.equals(st.getNumberAvailable(), nodes)) {
        ds.setStatus(new DaemonSetStatusBuilder().withDesiredNumberScheduled(nodes).withCurrentNumberScheduled(nodes)
            .withNumberReady(nodes).withNumberAvailable(nodes).withUpdatedNumberScheduled(nodes).withNumberMisscheduled(0)
            .withObservedGeneration(generation).build());
        client.resource(ds).updateStatus();
        marked.incrementAndGet();
      }
    }
    for (Job job : client.batch().v1().jobs().inAnyNamespace().list().getItems()) {
      completes(job);
    }
  }

  /**
   * A Job the stand-ins have not finished yet gets every completion succeeded and the conditions the
   * Job controller of Kubernetes 1.34 sets on success (SuccessCriteriaMet, then Complete); one that
   * is Complete or Failed is left alone, as the real controller leaves a finished Job.
   */
  private void completes(Job job) {
    var st = job.getStatus();
    boolean finished = st != null && st.getConditions() != null && st.getConditions().stream()
        .anyMatch(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus()));
    if (finished) {
      return;
    }
    int completions = job.getSpec() == null ? 1 : Objects.requireNonNullElse(job.getSpec().getCompletions(), 1);
    String now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    job.setStatus(new JobStatusBuilder().withSucceeded(completions).withActive(0).withFailed(0)
        .withStartTime(now).withCompletionTime(now)
        .withConditions(new JobConditionBuilder().withType("SuccessCriteriaMet").withStatus("True")
                .withReason("CompletionsReached").withLastTransitionTime(now).build(),
            new JobConditionBuilder().withType("Complete").withStatus("True")
                .withReason("CompletionsReached").withLastTransitionTime(now).build())
        .build());
    client.resource(job).updateStatus();
    marked.incrementAndGet();
  }

  private <T extends HasMetadata> Watcher<T> onAdded() {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T resource) {
        if (action == Action.ADDED || action == Action.MODIFIED && staleGeneration(resource)) {
          request();
        }
      }

      @Override
      public void onClose(WatcherException cause) {
        // closed with the stand-ins, or the mock went away; the periodic passes go on either way
      }
    };
  }

  /** A workload whose spec changed since the stand-ins last marked it, e.g. re-applied with another image. */
  private static boolean staleGeneration(HasMetadata resource) {
    Long observed = resource instanceof Deployment d && d.getStatus() != null ? d.getStatus().getObservedGeneration()
        : resource instanceof StatefulSet s && s.getStatus() != null ? s.getStatus().getObservedGeneration()
        : resource instanceof DaemonSet ds && ds.getStatus() != null ? ds.getStatus().getObservedGeneration()
        : null;
    boolean workload = resource instanceof Deployment || resource instanceof StatefulSet || resource instanceof DaemonSet;
    return workload && !Objects.equals(observed, resource.getMetadata().getGeneration());
  }

  /** One pass soon; requests while one is pending are the same pass. */
  private void request() {
    if (pending.compareAndSet(false, true) && !loop.isShutdown()) {
      loop.execute(this::pass);
    }
  }

  private void pass() {
    pending.set(false);
    try {
      reconcile();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 || e.getCode() == 404) { // changed or deleted between list and update: look again
        request();
      } else if (!loop.isShutdown()) {
        failure = e;
      }
    } catch (RuntimeException e) {
      if (!loop.isShutdown()) {
        failure = e;
      }
    }
  }

  /** Stops; rethrows what broke a pass. */
  @Override
  public void close() {
    watches.forEach(Watch::close);
    loop.shutdownNow();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw new IllegalStateException("the stand-in controllers failed: " + failure.getMessage(), failure);
    }
  }

  @Override
  public String toString() {
    return "StandInControllers[marked=" + marked.get() + "]";
  }
}
