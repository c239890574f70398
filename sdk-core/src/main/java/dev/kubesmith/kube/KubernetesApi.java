package dev.kubesmith.kube;

import dev.kubesmith.plan.Manifest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster's API as the build uses it: server-side apply with field manager {@value #FIELD_MANAGER},
 * a check whether a manifest is already applied, and waiting for nodes to be Ready.
 *
 * <pre>{@code
 * try (KubernetesApi api = KubernetesApi.of(client)) {
 *   api.apply(Manifest.of("calico", yaml));
 *   api.waitForReadyNodes(List.of("master1", "worker1"), Duration.ofMinutes(10));
 * }
 * }</pre>
 */
public final class KubernetesApi implements AutoCloseable {
  public static final String FIELD_MANAGER = "kubesmith";
  /** Annotation holding the hash of the document kubesmith last applied to an object. */
  public static final String APPLIED_HASH = "kubesmith.dev/applied-hash";
  /**
   * Annotation ({@code "true"}) on an object created once and then left as the cluster has it, e.g. a
   * Secret with generated credentials: re-applying must not replace the credentials users already have.
   */
  public static final String KEEP_EXISTING = "kubesmith.dev/keep-existing";
  private static final Duration POLL = Duration.ofMillis(500);

  private final KubernetesClient client;
  private final java.util.List<AutoCloseable> resources = new java.util.concurrent.CopyOnWriteArrayList<>();

  private KubernetesApi(KubernetesClient client) {
    this.client = client;
  }

  /** Something to close with this client, after it (e.g. the SSH forward it talks through). */
  public KubernetesApi closing(AutoCloseable resource) {
    resources.add(resource);
    return this;
  }

  public static KubernetesApi of(KubernetesClient client) {
    return new KubernetesApi(client);
  }

  /** A client for a kubeconfig's text, optionally against another server URL (e.g. a local forward). */
  public static KubernetesApi fromKubeconfig(String kubeconfig, Optional<String> server) {
    Config config = Config.fromKubeconfig(kubeconfig);
    server.ifPresent(config::setMasterUrl);
    config.setRequestTimeout(30_000);
    config.setConnectionTimeout(15_000);
    config.setRequestRetryBackoffLimit(0); // the executor retries the step: fabric8's own retries would nest
    // never fabric8's wire log: it would write the bearer token and Secret bodies at TRACE
    return new KubernetesApi(new KubernetesClientBuilder().withConfig(config)
        .withHttpClientFactory(NoWireLogging.factory()).build());
  }

  public KubernetesClient client() {
    return client;
  }

  /**
   * Applies every document of the manifest (server-side apply, conflicts forced), recording its hash;
   * a document marked {@value #KEEP_EXISTING} is only created, never replaced.
   */
  public void apply(Manifest manifest) {
    for (HasMetadata item : documents(manifest)) {
      if (keepsExisting(item) && resource(item).get() != null) {
        continue;
      }
      resource(item).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    }
  }

  private static boolean keepsExisting(HasMetadata item) {
    return "true".equals(item.getMetadata().getAnnotations().get(KEEP_EXISTING));
  }

  /** The client's handle on one object; a kind the server does not serve is named with the fix. */
  private io.fabric8.kubernetes.client.dsl.NamespaceableResource<HasMetadata> resource(HasMetadata item) {
    try {
      return client.resource(item);
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (e.getMessage() == null || !e.getMessage().startsWith("Could not find a registered handler")) {
        throw e;
      }
      String where = Optional.ofNullable(item.getMetadata().getNamespace()).map(ns -> ns + "/").orElse("")
          + item.getMetadata().getName();
      throw new UnknownKindException("the API server serves no " + item.getKind() + " in " + item.getApiVersion()
          + " (object " + where + "): its CustomResourceDefinition is not installed; apply the CRD first and wait"
          + " for it to be Established (Readiness.crd(name)) before its custom resources");
    }
  }

  /**
   * Whether every document exists in the cluster as kubesmith last applied it (same hash); one marked
   * {@value #KEEP_EXISTING} only has to exist.
   */
  public boolean isApplied(Manifest manifest) {
    for (HasMetadata item : documents(manifest)) {
      HasMetadata live = resource(item).get();
      if (live != null && keepsExisting(item)) {
        continue;
      }
      if (live == null || live.getMetadata().getAnnotations() == null
          || !item.getMetadata().getAnnotations().get(APPLIED_HASH).equals(live.getMetadata().getAnnotations().get(APPLIED_HASH))) {
        return false;
      }
    }
    return true;
  }

  /** The manifest's objects, each annotated with the hash of its document. */
  List<HasMetadata> documents(Manifest manifest) {
    List<HasMetadata> items = new ArrayList<>(
        client.load(new ByteArrayInputStream(manifest.yaml().getBytes(StandardCharsets.UTF_8))).items());
    items.removeIf(java.util.Objects::isNull);
    for (LiveValues values : LiveValues.installed()) { // e.g. keep a live bcrypt hash that verifies the wanted password
      items.replaceAll(h -> values.claims(h) ? values.choose(h, () -> resource(h).get()) : h);
    }
    for (HasMetadata h : items) {
      String hash = hash(Serialization.asJson(h));
      Map<String, String> annotations = new LinkedHashMap<>(
          Optional.ofNullable(h.getMetadata().getAnnotations()).orElse(Map.of()));
      annotations.put(APPLIED_HASH, hash);
      h.getMetadata().setAnnotations(annotations);
    }
    return items;
  }

  /**
   * Waits until every named node exists and is Ready; on timeout the error names each node that is
   * not, with its conditions.
   */
  public void waitForReadyNodes(List<String> names, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      Map<String, String> notReady = notReady(names);
      if (notReady.isEmpty()) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        StringBuilder sb = new StringBuilder("nodes not Ready after " + timeout.toSeconds() + " s:");
        notReady.forEach((n, why) -> sb.append("\n  ").append(n).append(": ").append(why));
        throw new NotReadyException(sb.toString());
      }
      sleep();
    }
  }

  /**
   * Waits until everything is ready (CRDs Established, rollouts of the current generation done, Jobs
   * Complete); on timeout the error names each one that is not, why, and its latest events. A Job
   * that Failed ends the wait at once with its reason: it will not complete by waiting.
   */
  public void waitReady(List<dev.kubesmith.plan.Readiness> waits, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      Map<dev.kubesmith.plan.Readiness, String> pending = new LinkedHashMap<>();
      for (dev.kubesmith.plan.Readiness w : waits) {
        Rollouts.State state = Rollouts.of(client, w);
        if (state.failed()) {
          throw new NotReadyException(w + " " + state.why() + events(w));
        }
        if (!state.ready()) {
          pending.put(w, state.why());
        }
      }
      if (pending.isEmpty()) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        StringBuilder sb = new StringBuilder("not ready after " + timeout.toSeconds() + " s:");
        pending.forEach((w, why) -> sb.append("\n  ").append(w).append(": ").append(why).append(events(w)));
        throw new NotReadyException(sb.toString());
      }
      sleep();
    }
  }

  /** Null when ready, else the reason (see {@link Rollouts}). */
  String whyNotReady(dev.kubesmith.plan.Readiness w) {
    return Rollouts.of(client, w).why();
  }

  private String events(dev.kubesmith.plan.Readiness w) {
    if (w.namespace() == null) {
      return "";
    }
    List<String> lines = client.v1().events().inNamespace(w.namespace()).list().getItems().stream()
        .filter(e -> e.getInvolvedObject() != null && e.getInvolvedObject().getName() != null
            && e.getInvolvedObject().getName().startsWith(w.name()))
        .map(e -> e.getReason() + ": " + e.getMessage()).toList();
    return lines.isEmpty() ? "" : "; events: " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
  }

  private Map<String, String> notReady(List<String> names) {
    Map<String, Node> live = new HashMap<>();
    client.nodes().list().getItems().forEach(n -> live.put(n.getMetadata().getName(), n));
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : names) {
      Node n = live.get(name);
      if (n == null) {
        out.put(name, "not registered (has it joined? see its kubelet log: journalctl -u kubelet)");
        continue;
      }
      List<NodeCondition> conditions = n.getStatus() == null || n.getStatus().getConditions() == null
          ? List.of() : n.getStatus().getConditions();
      boolean ready = conditions.stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
      if (!ready) {
        out.put(name, conditions.isEmpty() ? "no conditions yet" : conditions.stream()
            .map(c -> c.getType() + "=" + c.getStatus() + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")"))
            .toList().toString());
      }
    }
    return out;
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NotReadyException("interrupted while waiting for nodes");
    }
  }

  static String hash(String text) {
    return dev.kubesmith.internal.Sha256.hex(text).substring(0, 16);
  }

  @Override
  public void close() {
    client.close();
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(KubernetesApi.class).debug("closing {}: {}", r, e.getMessage());
      }
    }
  }

  /** Something did not become ready in time; the message says what and why. */
  /** An object whose kind the API server does not serve: its CRD is missing. Not transient. */
  public static final class UnknownKindException extends IllegalStateException {
    public UnknownKindException(String message) {
      super(message);
    }
  }

  public static final class NotReadyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotReadyException(String message) {
      super(message);
    }
  }
}
