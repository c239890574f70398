package dev.kubesmith.kube;

import dev.kubesmith.plan.Readiness;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether what a step waits for is ready, read from the status its controller writes, with the
 * rules of {@code kubectl rollout status} and {@code kubectl wait --for=condition=complete}: a
 * workload counts only once its controller has observed the current spec
 * ({@code status.observedGeneration >= metadata.generation}) and every replica runs that spec, so
 * the pods of the previous apply cannot pass a wait for the new one. A Job is ready when Complete;
 * Failed is final ({@link State#failed()}), so the wait stops at once with the Job's reason.
 *
 * <pre>{@code
 * Rollouts.State s = Rollouts.of(client, Readiness.parse("job/minio/minio-bucket"));
 * if (s.failed()) throw new KubernetesApi.NotReadyException(s.why());
 * }</pre>
 */
final class Rollouts {
  /**
   * What was seen: ready when {@code why} is null; {@code failed} when it never will be.
   */
  record State(String why, boolean failed) {
    static final State READY = new State(null, false);

    static State pending(String why) {
      return new State(why, false);
    }

    boolean ready() {
      return why == null;
    }
  }

  private Rollouts() {}

  static State of(KubernetesClient client, Readiness w) {
    return switch (w.kind()) {
      case CRD -> crd(client.apiextensions().v1().customResourceDefinitions().withName(w.name()).get());
      case DEPLOYMENT -> deployment(client.apps().deployments().inNamespace(w.namespace()).withName(w.name()).get());
      case STATEFULSET -> statefulSet(client.apps().statefulSets().inNamespace(w.namespace()).withName(w.name()).get());
      case DAEMONSET -> daemonSet(client.apps().daemonSets().inNamespace(w.namespace()).withName(w.name()).get());
      case JOB -> job(client.batch().v1().jobs().inNamespace(w.namespace()).withName(w.name()).get());
    };
  }

  static State crd(CustomResourceDefinition crd) {
    if (crd == null) {
      return State.pending("not found");
    }
    boolean established = crd.getStatus() != null && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    return established ? State.READY : State.pending("not Established yet");
  }

  static State deployment(Deployment d) {
    if (d == null) {
      return State.pending("not found");
    }
    var st = d.getStatus() == null ? new io.fabric8.kubernetes.api.model.apps.DeploymentStatus() : d.getStatus();
    return replicas(d.getMetadata(), st.getObservedGeneration(), want(d.getSpec().getReplicas()), st.getReplicas(),
        st.getUpdatedReplicas(), st.getReadyReplicas(), st.getAvailableReplicas());
  }

  static State statefulSet(StatefulSet s) {
    if (s == null) {
      return State.pending("not found");
    }
    var st = s.getStatus() == null ? new io.fabric8.kubernetes.api.model.apps.StatefulSetStatus() : s.getStatus();
    // availableReplicas needs minReadySeconds to pass, as for a Deployment
    return replicas(s.getMetadata(), st.getObservedGeneration(), want(s.getSpec().getReplicas()), st.getReplicas(),
        st.getUpdatedReplicas(), st.getReadyReplicas(), st.getAvailableReplicas());
  }

  static State daemonSet(DaemonSet ds) {
    if (ds == null) {
      return State.pending("not found");
    }
    var st = ds.getStatus();
    if (st == null || st.getDesiredNumberScheduled() == null) {
      return State.pending("no status yet");
    }
    int desired = st.getDesiredNumberScheduled();
    int updated = zero(st.getUpdatedNumberScheduled());
    int ready = zero(st.getNumberReady());
    int available = zero(st.getNumberAvailable());
    if (ready < desired) {
      return State.pending(ready + " of " + desired + " pods ready");
    }
    if (updated < desired) {
      return State.pending(updated + " of " + desired + " pods updated to the current spec");
    }
    if (available < desired) {
      return State.pending(available + " of " + desired + " pods available");
    }
    String stale = staleGeneration(ds.getMetadata(), st.getObservedGeneration());
    return stale == null ? State.READY : State.pending(stale);
  }

  static State job(Job job) {
    if (job == null) {
      return State.pending("not found");
    }
    List<JobCondition> conditions = job.getStatus() == null || job.getStatus().getConditions() == null ? List.of()
        : job.getStatus().getConditions();
    Optional<JobCondition> failed = condition(conditions, "Failed");
    if (failed.isPresent()) {
      JobCondition c = failed.get();
      return new State("failed: " + Objects.requireNonNullElse(c.getReason(), "Failed")
          + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")")
          + "; see kubectl -n " + job.getMetadata().getNamespace() + " logs job/" + job.getMetadata().getName(), true);
    }
    if (condition(conditions, "Complete").isPresent()) {
      return State.READY;
    }
    int completions = want(job.getSpec() == null ? null : job.getSpec().getCompletions());
    int succeeded = job.getStatus() == null ? 0 : zero(job.getStatus().getSucceeded());
    return State.pending("not Complete yet: " + succeeded + " of " + completions + " completions succeeded");
  }

  /** Ready counts first in the reason, as they say most; every rule must hold either way. */
  private static State replicas(ObjectMeta metadata, Long observedGeneration, int want, Integer replicas, Integer updated,
      Integer ready, Integer available) {
    if (zero(ready) < want) {
      return State.pending(zero(ready) + " of " + want + " replicas ready");
    }
    if (zero(updated) < want) {
      return State.pending(zero(updated) + " of " + want + " replicas updated to the current spec");
    }
    if (zero(replicas) > zero(updated)) {
      return State.pending((zero(replicas) - zero(updated)) + " old replica(s) pending termination");
    }
    if (zero(available) < want) {
      return State.pending(zero(available) + " of " + want + " replicas available");
    }
    String stale = staleGeneration(metadata, observedGeneration);
    return stale == null ? State.READY : State.pending(stale);
  }

  /** Null when the controller has seen the current spec, else why not. */
  private static String staleGeneration(ObjectMeta metadata, Long observed) {
    long generation = metadata == null || metadata.getGeneration() == null ? 0 : metadata.getGeneration();
    if (generation > 0 && (observed == null || observed < generation)) {
      return "generation " + generation + " not observed by its controller yet (observed "
          + (observed == null ? "none" : observed) + ")";
    }
    return null;
  }

  private static Optional<JobCondition> condition(List<JobCondition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst();
  }

  private static int want(Integer wanted) {
    return wanted == null ? 1 : wanted;
  }

  private static int zero(Integer n) {
    return n == null ? 0 : n;
  }
}
