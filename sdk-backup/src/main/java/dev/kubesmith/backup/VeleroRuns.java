package dev.kubesmith.backup;

import dev.kubesmith.backup.internal.KubeYaml;
import dev.kubesmith.backup.internal.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On-demand Velero backups and restores: creates the Backup or Restore object and waits for its
 * phase. {@code Completed} returns the object; {@code Failed}, {@code PartiallyFailed} and
 * {@code FailedValidation} throw {@link VeleroRunFailedException} with Velero's failure reason and
 * validation errors, as does a timeout (with the last phase seen). While waiting, API answers 429 and
 * 5xx and connection failures are polled through until the timeout; any other API error ends the wait.
 *
 * <pre>{@code
 * VeleroRuns velero = VeleroRuns.of(client);
 * velero.backup("before-upgrade", List.of("test"), Duration.ofDays(7), Duration.ofMinutes(30));
 * velero.restore("before-upgrade-1", "before-upgrade", List.of("test"), Duration.ofMinutes(30));
 * }</pre>
 */
public final class VeleroRuns {
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(2);
  static final ResourceDefinitionContext BACKUPS = context("Backup", "backups");
  static final ResourceDefinitionContext RESTORES = context("Restore", "restores");
  private static final Set<String> FAILED = Set.of("Failed", "PartiallyFailed", "FailedValidation");
  private static final Logger LOG = LoggerFactory.getLogger(VeleroRuns.class);

  private final KubernetesClient client;
  private final String namespace;
  private final Duration poll;

  private VeleroRuns(KubernetesClient client, String namespace, Duration poll) {
    this.client = client;
    this.namespace = namespace;
    this.poll = poll;
  }

  /** Runs in Velero's namespace {@value VeleroManifests#NAMESPACE}, polling every {@link #DEFAULT_POLL}. */
  public static VeleroRuns of(KubernetesClient client) {
    return new VeleroRuns(client, VeleroManifests.NAMESPACE, DEFAULT_POLL);
  }

  /** The same, polling at another interval. */
  public VeleroRuns poll(Duration interval) {
    if (interval == null || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("poll interval " + interval + " must be positive; e.g. Duration.ofSeconds(2)");
    }
    return new VeleroRuns(client, namespace, interval);
  }

  /** The Backup object: the namespaces (all when empty), the TTL, the default storage location. */
  public static Map<String, Object> backupObject(String name, List<String> namespaces, Duration ttl) {
    Names.requireLabel("backup name", name);
    namespaces.forEach(n -> Names.requireLabel("backup " + name + ": namespace", n));
    Map<String, Object> spec = new LinkedHashMap<>();
    if (!namespaces.isEmpty()) {
      spec.put("includedNamespaces", new ArrayList<>(namespaces));
    }
    spec.put("storageLocation", VeleroManifests.STORAGE_LOCATION);
    spec.put("ttl", BackupSchedule.goDuration(BackupSchedule.named(name).ttl(ttl).requireValid().ttl()));
    return KubeYaml.resource(VeleroManifests.API_VERSION, "Backup", VeleroManifests.NAMESPACE, name, Map.of(), spec);
  }

  /** The Restore object of a backup, limited to some namespaces (all of the backup's when empty). */
  public static Map<String, Object> restoreObject(String name, String backupName, List<String> namespaces) {
    Names.requireLabel("restore name", name);
    Names.requireLabel("restore " + name + ": backup name", backupName);
    namespaces.forEach(n -> Names.requireLabel("restore " + name + ": namespace", n));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("backupName", backupName);
    if (!namespaces.isEmpty()) {
      spec.put("includedNamespaces", new ArrayList<>(namespaces));
    }
    return KubeYaml.resource(VeleroManifests.API_VERSION, "Restore", VeleroManifests.NAMESPACE, name, Map.of(), spec);
  }

  /** Creates a Backup and waits until it is Completed. */
  public GenericKubernetesResource backup(String name, List<String> namespaces, Duration ttl, Duration timeout) {
    create(BACKUPS, backupObject(name, namespaces, ttl));
    return await(BACKUPS, name, timeout);
  }

  /** Creates a Restore from a backup and waits until it is Completed. */
  public GenericKubernetesResource restore(String name, String backupName, List<String> namespaces, Duration timeout) {
    create(RESTORES, restoreObject(name, backupName, namespaces));
    return await(RESTORES, name, timeout);
  }

  /** Waits for an existing Backup to finish. */
  public GenericKubernetesResource awaitBackup(String name, Duration timeout) {
    return await(BACKUPS, name, timeout);
  }

  /** Waits for an existing Restore to finish. */
  public GenericKubernetesResource awaitRestore(String name, Duration timeout) {
    return await(RESTORES, name, timeout);
  }

  private void create(ResourceDefinitionContext ctx, Map<String, Object> object) {
    GenericKubernetesResource r = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper()
        .convertValue(object, GenericKubernetesResource.class);
    client.genericKubernetesResources(ctx).inNamespace(namespace).resource(r).create();
    LOG.info("created {} {}/{}", ctx.getKind(), namespace, r.getMetadata().getName());
  }

  private GenericKubernetesResource await(ResourceDefinitionContext ctx, String name, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    String phase = null;
    GenericKubernetesResource r = null;
    KubernetesClientException lastError = null;
    while (true) {
      try {
        r = client.genericKubernetesResources(ctx).inNamespace(namespace).withName(name).get();
        lastError = null;
      } catch (KubernetesClientException e) {
        if (!isTransient(e)) {
          throw e;
        }
        // An API server restarting or overloaded answers 5xx/429 or drops the connection for a while:
        // the wait goes on until its deadline instead of losing a backup that is still running.
        lastError = e;
        LOG.info("{} {}/{}: API error {} while waiting, polling on: {}", ctx.getKind(), namespace, name, e.getCode(),
            e.getStatus() == null ? "" : e.getStatus().getMessage());
        if (!Instant.now().isBefore(deadline)) {
          throw failure(ctx.getKind(), name, phase, r == null ? Map.of() : status(r), timeout, lastError);
        }
        sleep();
        continue;
      }
      if (r == null) {
        throw new VeleroRunFailedException(ctx.getKind() + " " + namespace + "/" + name + " does not exist; create it first",
            ctx.getKind(), name, null, null, List.of());
      }
      phase = text(status(r).get("phase"));
      if ("Completed".equals(phase)) {
        return r;
      }
      if (phase != null && FAILED.contains(phase)) {
        throw failure(ctx.getKind(), name, phase, status(r), null, null);
      }
      if (!Instant.now().isBefore(deadline)) {
        throw failure(ctx.getKind(), name, phase, status(r), timeout, null);
      }
      sleep();
    }
  }

  /** 429, 5xx and connection failures (fabric8 reports those with code 0 or -1): worth polling again. */
  static boolean isTransient(KubernetesClientException e) {
    return e.getCode() == 429 || e.getCode() >= 500 || e.getCode() <= 0;
  }

  private VeleroRunFailedException failure(String kind, String name, String phase, Map<String, Object> status,
      Duration timeout, KubernetesClientException apiError) {
    String reason = text(status.get("failureReason"));
    List<String> validation = status.get("validationErrors") instanceof List<?> l ? l.stream().map(String::valueOf).toList()
        : List.of();
    StringBuilder m = new StringBuilder(kind).append(' ').append(namespace).append('/').append(name);
    if (timeout != null) {
      m.append(" did not finish within ").append(timeout.toSeconds()).append(" s (last phase ")
          .append(phase == null ? "none: is the Velero server running?" : phase).append(')');
      if (apiError != null) {
        m.append("; the API server answered HTTP ").append(apiError.getCode()).append(" to the last poll");
      }
    } else {
      m.append(" ended ").append(phase);
    }
    if (status.get("errors") != null || status.get("warnings") != null) {
      m.append(": ").append(status.getOrDefault("errors", 0)).append(" error(s), ")
          .append(status.getOrDefault("warnings", 0)).append(" warning(s)");
    }
    if (reason != null) {
      m.append("; failure reason: ").append(reason);
    }
    if (!validation.isEmpty()) {
      m.append("; validation errors: ").append(String.join("; ", validation));
    }
    m.append("; see `velero ").append(kind.toLowerCase(java.util.Locale.ROOT)).append(" describe ").append(name)
        .append(" --details` and `velero ").append(kind.toLowerCase(java.util.Locale.ROOT)).append(" logs ").append(name).append('`');
    return new VeleroRunFailedException(m.toString(), kind, name, phase, reason, validation);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status(GenericKubernetesResource r) {
    Object s = r.getAdditionalProperties().get("status");
    return s instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static String text(Object o) {
    return o == null ? null : o.toString();
  }

  private void sleep() {
    try {
      Thread.sleep(poll.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Velero", e);
    }
  }

  private static ResourceDefinitionContext context(String kind, String plural) {
    return new ResourceDefinitionContext.Builder().withGroup("velero.io").withVersion("v1").withKind(kind)
        .withPlural(plural).withNamespaced(true).build();
  }
}
