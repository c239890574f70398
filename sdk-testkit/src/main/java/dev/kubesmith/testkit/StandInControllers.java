package dev.kubesmith.testkit;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the API server and the controllers of a real cluster would do to the objects the SDK
 * applies, for a mock API that has no controllers: CRDs become {@code Established}, Deployments and
 * StatefulSets report every replica ready, DaemonSets one ready pod per node in the mock. Only
 * status is written, as the controllers would; the SDK's waits ({@code KubernetesApi.waitReady})
 * read exactly those fields, so a wait passes only for objects that were applied.
 *
 * <pre>{@code
 * try (MockApi api = MockApi.start(); StandInControllers controllers = StandInControllers.start(api.client())) {
 *   // apply addons; their readiness waits pass once the stand-ins have marked the objects
 * }
 * }</pre>
 */
public final class StandInControllers implements AutoCloseable {
  private final KubernetesClient client;
  private final ScheduledExecutorService loop;
  private final AtomicInteger marked = new AtomicInteger();

  private StandInControllers(KubernetesClient client, Duration period) {
    this.client = client;
    this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "stand-in-controllers");
      t.setDaemon(true);
      return t;
    });
    loop.scheduleWithFixedDelay(this::reconcileQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Marks objects every 200 ms until closed. */
  public static StandInControllers start(KubernetesClient client) {
    return new StandInControllers(client, Duration.ofMillis(200));
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
      if (d.getStatus() == null || !Objects.equals(d.getStatus().getReadyReplicas(), want)) {
        d.setStatus(new DeploymentStatusBuilder().withReplicas(want).withReadyReplicas(want).withAvailableReplicas(want)
            .withUpdatedReplicas(want).withObservedGeneration(d.getMetadata().getGeneration()).build());
        client.resource(d).updateStatus();
        marked.incrementAndGet();
      }
    }
    for (StatefulSet s : client.apps().statefulSets().inAnyNamespace().list().getItems()) {
      int want = Objects.requireNonNullElse(s.getSpec().getReplicas(), 1);
      if (s.getStatus() == null || !Objects.equals(s.getStatus().getReadyReplicas(), want)) {
        s.setStatus(new StatefulSetStatusBuilder().withReplicas(want).withReadyReplicas(want).withCurrentReplicas(want)
            .withUpdatedReplicas(want).withAvailableReplicas(want).build());
        client.resource(s).updateStatus();
        marked.incrementAndGet();
      }
    }
    int nodes = Math.max(1, client.nodes().list().getItems().size());
    for (DaemonSet ds : client.apps().daemonSets().inAnyNamespace().list().getItems()) {
      if (ds.getStatus() == null || !Objects.equals(ds.getStatus().getNumberReady(), nodes)
          || !Objects.equals(ds.getStatus().getDesiredNumberScheduled(), nodes)) {
        ds.setStatus(new DaemonSetStatusBuilder().withDesiredNumberScheduled(nodes).withCurrentNumberScheduled(nodes)
            .withNumberReady(nodes).withNumberAvailable(nodes).withUpdatedNumberScheduled(nodes).withNumberMisscheduled(0)
            .build());
        client.resource(ds).updateStatus();
        marked.incrementAndGet();
      }
    }
  }

  private void reconcileQuietly() {
    try {
      reconcile();
    } catch (RuntimeException e) {
      // an object deleted or replaced between list and update: the next pass sees it again
    }
  }

  @Override
  public void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "StandInControllers[marked=" + marked.get() + "]";
  }
}
