package dev.kubesmith.plan;

import java.util.List;
import java.util.Locale;

/**
 * A thing a cluster step waits for after applying its manifests, parsed from {@code kind/name} or
 * {@code kind/namespace/name}.
 *
 * <pre>{@code
 * Readiness.parse("crd/cephclusters.ceph.rook.io");           // Established
 * Readiness.parse("deployment/rook-ceph/rook-ceph-operator"); // rollout of the current generation done
 * Readiness.parse("job/minio/minio-bucket");                  // Complete; Failed fails the wait at once
 * }</pre>
 */
public record Readiness(Kind kind, String namespace, String name) {
  /**
   * What can be waited for: a CRD Established; a Deployment, StatefulSet or DaemonSet whose
   * controller observed the current generation and whose every replica is updated and available; a
   * Job Complete.
   */
  public enum Kind {
    CRD, DEPLOYMENT, STATEFULSET, DAEMONSET, JOB
  }

  public static Readiness parse(String text) {
    String[] p = text.split("/");
    Kind kind;
    try {
      kind = Kind.valueOf(p[0].toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot wait for '" + text + "': kinds are " + List.of(Kind.values()));
    }
    if (kind == Kind.CRD && p.length == 2) {
      return new Readiness(kind, null, p[1]);
    }
    if (kind != Kind.CRD && p.length == 3) {
      return new Readiness(kind, p[1], p[2]);
    }
    throw new IllegalArgumentException("cannot wait for '" + text + "': write crd/<name> or <kind>/<namespace>/<name>");
  }

  public static String crd(String name) {
    return "crd/" + name;
  }

  public static String of(Kind kind, String namespace, String name) {
    return kind.name().toLowerCase(Locale.ROOT) + "/" + namespace + "/" + name;
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(Locale.ROOT) + "/" + (namespace == null ? "" : namespace + "/") + name;
  }
}
