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
 * DaemonSets one such pod per node they may run on, Jobs {@code Complete} with every completion
 * succeeded. Only status is written, as the controllers would, with {@code observedGeneration} set
 * to the generation they acted on; the SDK's waits ({@code KubernetesApi.waitReady}) read exactly
 * those fields, so a wait passes only for objects that were applied, and only for their latest spec.
 *
 * <p>They honour what the real ones need first: a DaemonSet's pods go only to the nodes whose labels
 * match its nodeSelector and required node affinity and whose NoSchedule/NoExecute taints its pods
 * tolerate (the scheduler's TaintToleration and NodeAffinity rules); a PersistentVolumeClaim binds
 * only to a matching PersistentVolume it names or of its class, or when its StorageClass's
 * provisioner is a CSI driver that runs (a CSIDriver object of that name, which the ceph-csi-operator
 * creates for each of its Drivers once its Deployment is ready); a workload whose pods mount a claim
 * that is not bound (or whose volumeClaimTemplates could not be provisioned) stays unready, as its
 * pods would stay Pending.
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
      watches.add(client.persistentVolumeClaims().inAnyNamespace().watch(onAdded()));
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
    operateCsiDrivers();
    bindClaims();
    for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
      if (!claimsBound(d.getMetadata().getNamespace(), d.getSpec().getTemplate().getSpec())) {
        pending(d);
        continue;
      }
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
      if (!claimsBound(s.getMetadata().getNamespace(), s.getSpec().getTemplate().getSpec())
          || !s.getSpec().getVolumeClaimTemplates().stream().allMatch(this::provisionable)) {
        pending(s);
        continue;
      }
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
    List<io.fabric8.kubernetes.api.model.Node> allNodes = client.nodes().list().getItems();
    for (DaemonSet ds : client.apps().daemonSets().inAnyNamespace().list().getItems()) {
      // no Node in the mock (tests without hosts): one pod, as on a node that takes it
      int nodes = allNodes.isEmpty() ? 1 : (int) allNodes.stream()
          .filter(n -> Scheduling.fits(ds.getSpec().getTemplate().getSpec(), n)).count();
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

  /** The ceph-csi-operator: a CSIDriver for each Driver once the operator's Deployment in its namespace is ready. */
  private void operateCsiDrivers() {
    List<io.fabric8.kubernetes.api.model.GenericKubernetesResource> drivers;
    try {
      drivers = client.genericKubernetesResources("csi.ceph.io/v1", "Driver").inAnyNamespace().list().getItems();
    } catch (KubernetesClientException e) {
      return; // the CRD is not there: no Driver either
    }
    for (var driver : drivers) {
      String name = driver.getMetadata().getName();
      Deployment operator = client.apps().deployments().inNamespace(driver.getMetadata().getNamespace())
          .withName(CSI_OPERATOR).get();
      boolean running = operator != null && operator.getStatus() != null
          && Objects.equals(operator.getStatus().getReadyReplicas(), Objects.requireNonNullElse(operator.getSpec().getReplicas(), 1));
      if (running && client.storage().v1().csiDrivers().withName(name).get() == null) {
        client.resource(new io.fabric8.kubernetes.api.model.storage.CSIDriverBuilder().withNewMetadata().withName(name)
            .endMetadata().withNewSpec().withAttachRequired(true).withPodInfoOnMount(false).endSpec().build()).create();
        marked.incrementAndGet();
        request(); // the claims of its class bind in the next pass
      }
    }
  }

  /** The Deployment of rook's csi-operator.yaml that runs the ceph-csi-operator. */
  static final String CSI_OPERATOR = "ceph-csi-controller-manager";

  /** Binds each claim that can be: to the PersistentVolume it names or one of its class, or by its class's running CSI provisioner. */
  private void bindClaims() {
    List<io.fabric8.kubernetes.api.model.PersistentVolume> volumes = client.persistentVolumes().list().getItems();
    for (var pvc : client.persistentVolumeClaims().inAnyNamespace().list().getItems()) {
      if (pvc.getStatus() != null && "Bound".equals(pvc.getStatus().getPhase())) {
        continue;
      }
      String volume = pvc.getSpec().getVolumeName();
      String cls = pvc.getSpec().getStorageClassName();
      boolean bound;
      if (volume != null && !volume.isEmpty()) {
        bound = volumes.stream().anyMatch(v -> v.getMetadata().getName().equals(volume));
      } else if (cls != null && volumes.stream().anyMatch(v -> cls.equals(Objects.requireNonNullElse(v.getSpec().getStorageClassName(), "")))) {
        bound = true; // a static volume of the claim's class (e.g. MinIO's NFS volume)
      } else {
        bound = provisionable(cls);
      }
      if (bound) {
        Object size = pvc.getSpec().getResources() == null || pvc.getSpec().getResources().getRequests() == null ? null
            : pvc.getSpec().getResources().getRequests().get("storage");
        pvc.setStatus(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder().withPhase("Bound")
            .withAccessModes(pvc.getSpec().getAccessModes())
            .withCapacity(size == null ? java.util.Map.of() : java.util.Map.of("storage", (io.fabric8.kubernetes.api.model.Quantity) size))
            .build());
        client.resource(pvc).updateStatus();
        marked.incrementAndGet();
        request(); // the workloads that mount it start in the next pass
      }
    }
  }

  private boolean provisionable(io.fabric8.kubernetes.api.model.PersistentVolumeClaim template) {
    return provisionable(template.getSpec().getStorageClassName());
  }

  /** A claim of this class (null: the default class) is provisioned: the class exists and its provisioner runs. */
  private boolean provisionable(String storageClass) {
    var classes = client.storage().v1().storageClasses().list().getItems();
    var sc = storageClass == null
        ? classes.stream().filter(c -> c.getMetadata().getAnnotations() != null
            && "true".equals(c.getMetadata().getAnnotations().get("storageclass.kubernetes.io/is-default-class"))).findFirst()
        : classes.stream().filter(c -> c.getMetadata().getName().equals(storageClass)).findFirst();
    return sc.isPresent() && client.storage().v1().csiDrivers().withName(sc.get().getProvisioner()).get() != null;
  }

  /** Every claim the pods mount is bound (else the pods stay Pending). */
  private boolean claimsBound(String namespace, io.fabric8.kubernetes.api.model.PodSpec pod) {
    if (pod == null || pod.getVolumes() == null) {
      return true;
    }
    for (var v : pod.getVolumes()) {
      if (v.getPersistentVolumeClaim() != null) {
        var pvc = client.persistentVolumeClaims().inNamespace(namespace).withName(v.getPersistentVolumeClaim().getClaimName()).get();
        if (pvc == null || pvc.getStatus() == null || !"Bound".equals(pvc.getStatus().getPhase())) {
          return false;
        }
      }
    }
    return true;
  }

  /** Status of a workload whose pods cannot start yet: its generation observed, nothing ready. */
  private void pending(HasMetadata workload) {
    Long generation = workload.getMetadata().getGeneration();
    if (workload instanceof Deployment d) {
      int want = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
      if (d.getStatus() == null || !Objects.equals(d.getStatus().getObservedGeneration(), generation)
          || !Objects.equals(Objects.requireNonNullElse(d.getStatus().getReadyReplicas(), 0), 0)) {
        d.setStatus(new DeploymentStatusBuilder().withReplicas(want).withReadyReplicas(0).withAvailableReplicas(0)
            .withUnavailableReplicas(want).withUpdatedReplicas(want).withObservedGeneration(generation).build());
        client.resource(d).updateStatus();
      }
    } else if (workload instanceof StatefulSet s) {
      int want = Objects.requireNonNullElse(s.getSpec().getReplicas(), 1);
      if (s.getStatus() == null || !Objects.equals(s.getStatus().getObservedGeneration(), generation)
          || !Objects.equals(Objects.requireNonNullElse(s.getStatus().getReadyReplicas(), 0), 0)) {
        s.setStatus(new StatefulSetStatusBuilder().withReplicas(Math.min(1, want)).withReadyReplicas(0).withCurrentReplicas(Math.min(1, want))
            .withUpdatedReplicas(Math.min(1, want)).withAvailableReplicas(0).withObservedGeneration(generation).build());
        client.resource(s).updateStatus();
      }
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
