package dev.kubesmith.backup;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Opts pod volumes into Velero's file-system (kopia) backup with the annotation
 * {@value #ANNOTATION}: on a Pod, or (as the seed recommends, so pods the controller makes again keep it)
 * on the pod template of its Deployment, StatefulSet or DaemonSet. Names already in the annotation
 * are kept; each volume must be one the pod has.
 *
 * <pre>{@code
 * StatefulSet es = VolumeBackups.backupVolumes(statefulSet, "data");   // a copy; the argument is unchanged
 * }</pre>
 */
public final class VolumeBackups {
  public static final String ANNOTATION = "backup.velero.io/backup-volumes";

  private VolumeBackups() {}

  /**
   * A copy of the Pod, Deployment, StatefulSet or DaemonSet with the volumes added to {@value #ANNOTATION}.
   *
   * @throws IllegalArgumentException for another kind, no volume, or a volume the pod does not have
   */
  public static <T extends HasMetadata> T backupVolumes(T resource, String... volumes) {
    if (volumes.length == 0) {
      throw new IllegalArgumentException("backupVolumes needs at least one volume name of " + describe(resource));
    }
    T copy = Serialization.clone(resource);
    ObjectMeta meta;
    Set<String> known;
    if (copy instanceof Pod p) {
      meta = metadata(p.getMetadata());
      p.setMetadata(meta);
      known = volumeNames(p.getSpec());
    } else {
      PodTemplateSpec template = template(copy).orElseThrow(() -> new IllegalArgumentException(
          describe(resource) + " has no pod template; annotate a Pod, Deployment, StatefulSet or DaemonSet"));
      meta = metadata(template.getMetadata());
      template.setMetadata(meta);
      known = volumeNames(template.getSpec());
      if (copy instanceof StatefulSet s && s.getSpec().getVolumeClaimTemplates() != null) {
        s.getSpec().getVolumeClaimTemplates().stream().map(PersistentVolumeClaim::getMetadata).filter(m -> m != null)
            .forEach(m -> known.add(m.getName()));
      }
    }
    Set<String> names = new LinkedHashSet<>();
    String existing = meta.getAnnotations().get(ANNOTATION);
    if (existing != null && !existing.isBlank()) {
      for (String n : existing.split(",")) {
        names.add(n.trim());
      }
    }
    for (String v : volumes) {
      if (v == null || !known.contains(v)) {
        throw new IllegalArgumentException("volume '" + v + "' is not a volume of " + describe(resource)
            + "; its volumes are " + known);
      }
      names.add(v);
    }
    meta.getAnnotations().put(ANNOTATION, String.join(",", names));
    return copy;
  }

  /** The volumes a Pod or a workload's pod template names in {@value #ANNOTATION}. */
  public static List<String> annotatedVolumes(HasMetadata resource) {
    ObjectMeta meta = resource instanceof Pod ? resource.getMetadata()
        : template(resource).map(PodTemplateSpec::getMetadata).orElse(null);
    String value = meta == null || meta.getAnnotations() == null ? null : meta.getAnnotations().get(ANNOTATION);
    return value == null || value.isBlank() ? List.of() : List.of(value.split(","));
  }

  private static Optional<PodTemplateSpec> template(HasMetadata r) {
    if (r instanceof Deployment d && d.getSpec() != null) {
      return Optional.ofNullable(d.getSpec().getTemplate());
    }
    if (r instanceof StatefulSet s && s.getSpec() != null) {
      return Optional.ofNullable(s.getSpec().getTemplate());
    }
    if (r instanceof DaemonSet ds && ds.getSpec() != null) {
      return Optional.ofNullable(ds.getSpec().getTemplate());
    }
    return Optional.empty();
  }

  private static ObjectMeta metadata(ObjectMeta meta) {
    ObjectMeta m = meta == null ? new ObjectMeta() : meta;
    Map<String, String> annotations = new LinkedHashMap<>(m.getAnnotations() == null ? Map.of() : m.getAnnotations());
    m.setAnnotations(annotations);
    return m;
  }

  private static Set<String> volumeNames(PodSpec spec) {
    List<Volume> vs = spec == null || spec.getVolumes() == null ? List.of() : spec.getVolumes();
    return new LinkedHashSet<>(new ArrayList<>(vs.stream().map(Volume::getName).toList()));
  }

  private static String describe(HasMetadata r) {
    String ns = r.getMetadata() == null ? null : r.getMetadata().getNamespace();
    String name = r.getMetadata() == null ? null : r.getMetadata().getName();
    return r.getKind() + " " + (ns == null ? "" : ns + "/") + name;
  }
}
