package dev.kubesmith.backup.minio;

import dev.kubesmith.backup.internal.KubeYaml;
import dev.kubesmith.backup.nfs.NfsServer;
import dev.kubesmith.plan.Secrets;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import java.util.Map;

/**
 * MinIO for Velero, on a PersistentVolume that is the NFS host's export: namespace {@value #NAMESPACE},
 * the root credential Secret {@value #SECRET} (its password a {@link Secrets#placeholder placeholder}
 * filled from the NFS host at apply time, so plans never hold it), the NFS PersistentVolume and a
 * claim bound to it by name, a one-replica Deployment with a pinned image, its Service, and a Job
 * that creates the bucket with {@code mc mb --ignore-existing}. Shaped after velero's
 * {@code examples/minio/00-minio-deployment.yaml}, with its {@code emptyDir}, fixed keys and
 * {@code latest} images replaced.
 *
 * <pre>{@code
 * String yaml = MinioManifests.server(nfs, "clustera", "50Gi");
 * String job = MinioManifests.bucketJob("velero");
 * }</pre>
 */
public final class MinioManifests {
  public static final String NAMESPACE = "minio";
  public static final String NAME = "minio";
  public static final String SECRET = "minio-root";
  public static final String USER_KEY = "rootUser";
  public static final String PASSWORD_KEY = "rootPassword";
  /** The root user; not a secret (the password is). */
  public static final String ROOT_USER = "kubesmith";
  /** The build secret holding the generated root password (captured on the NFS host). */
  public static final String PASSWORD_SECRET = "minio-root-password";
  public static final String IMAGE = "quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z";
  public static final String MC_IMAGE = "quay.io/minio/mc:RELEASE.2025-04-16T18-13-26Z";
  public static final String CLAIM = "minio-data";
  public static final String BUCKET_JOB = "minio-bucket";
  public static final int PORT = 9000;
  /** The S3 endpoint inside the cluster. */
  public static final String URL = "http://" + NAME + "." + NAMESPACE + ".svc:" + PORT;
  private static final Map<String, String> LABELS = Map.of("app.kubernetes.io/name", NAME, "app.kubernetes.io/managed-by", "kubesmith");

  private MinioManifests() {}

  /** The PersistentVolume's name: cluster-scoped, so it carries the cluster's name. */
  public static String volumeName(String cluster) {
    return "kubesmith-" + cluster + "-minio";
  }

  /** Namespace, credential Secret, PersistentVolume, claim, Deployment and Service, in apply order. */
  public static String server(NfsServer nfs, String cluster, String size) {
    return KubeYaml.documents(List.of(namespace(), secret(), volume(nfs, cluster, size), claim(cluster, size),
        deployment(), service()));
  }

  static HasMetadata namespace() {
    return new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).withLabels(LABELS).endMetadata().build();
  }

  static HasMetadata secret() {
    return new SecretBuilder().withNewMetadata().withName(SECRET).withNamespace(NAMESPACE).withLabels(LABELS).endMetadata()
        .withType("Opaque")
        .addToStringData(USER_KEY, ROOT_USER)
        .addToStringData(PASSWORD_KEY, Secrets.placeholder(PASSWORD_SECRET))
        .build();
  }

  static HasMetadata volume(NfsServer nfs, String cluster, String size) {
    return new PersistentVolumeBuilder().withNewMetadata().withName(volumeName(cluster)).withLabels(LABELS).endMetadata()
        .withNewSpec()
        .addToCapacity("storage", new Quantity(size))
        .withAccessModes("ReadWriteOnce")
        .withPersistentVolumeReclaimPolicy("Retain")
        .withStorageClassName("")
        .withMountOptions("nfsvers=4.1", "hard", "noatime")
        .withNewNfs().withServer(nfs.host().privateIp()).withPath(nfs.path(NfsServer.MINIO_DIR)).endNfs()
        .withNewClaimRef().withNamespace(NAMESPACE).withName(CLAIM).endClaimRef()
        .endSpec().build();
  }

  static HasMetadata claim(String cluster, String size) {
    return new PersistentVolumeClaimBuilder().withNewMetadata().withName(CLAIM).withNamespace(NAMESPACE).withLabels(LABELS)
        .endMetadata()
        .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName("").withVolumeName(volumeName(cluster))
        .withNewResources().addToRequests("storage", new Quantity(size)).endResources()
        .endSpec().build();
  }

  static HasMetadata deployment() {
    return new DeploymentBuilder().withNewMetadata().withName(NAME).withNamespace(NAMESPACE).withLabels(LABELS).endMetadata()
        .withNewSpec().withReplicas(1)
        .withNewStrategy().withType("Recreate").endStrategy()
        .withNewSelector().addToMatchLabels("app.kubernetes.io/name", NAME).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(LABELS).endMetadata()
        .withNewSpec()
        // the export squashes root: MinIO writes as the user that owns its directory there
        .withNewSecurityContext().withRunAsUser((long) NfsServer.MINIO_UID).withRunAsGroup((long) NfsServer.MINIO_UID)
        .withRunAsNonRoot(true).endSecurityContext()
        .addNewContainer().withName(NAME).withImage(IMAGE)
        .withArgs("server", "/data", "--address", ":" + PORT)
        .withEnv(credentialEnv("MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"))
        .addNewPort().withName("s3").withContainerPort(PORT).endPort()
        .withNewReadinessProbe().withNewHttpGet().withPath("/minio/health/ready").withPort(new IntOrString(PORT)).endHttpGet()
        .withPeriodSeconds(10).endReadinessProbe()
        .withNewLivenessProbe().withNewHttpGet().withPath("/minio/health/live").withPort(new IntOrString(PORT)).endHttpGet()
        .withInitialDelaySeconds(30).withPeriodSeconds(20).endLivenessProbe()
        .withNewSecurityContext().withAllowPrivilegeEscalation(false).withNewCapabilities().withDrop("ALL").endCapabilities()
        .endSecurityContext()
        .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
        .endContainer()
        .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName(CLAIM).endPersistentVolumeClaim().endVolume()
        .endSpec().endTemplate().endSpec().build();
  }

  static HasMetadata service() {
    return new ServiceBuilder().withNewMetadata().withName(NAME).withNamespace(NAMESPACE).withLabels(LABELS).endMetadata()
        .withNewSpec().withType("ClusterIP").addToSelector("app.kubernetes.io/name", NAME)
        .addNewPort().withName("s3").withPort(PORT).withTargetPort(new IntOrString(PORT)).withProtocol("TCP").endPort()
        .endSpec().build();
  }

  /** A Job that creates the bucket if it is missing; safe to run again. */
  public static String bucketJob(String bucket) {
    String script = "mc alias set backup " + URL + " \"$MINIO_ROOT_USER\" \"$MINIO_ROOT_PASSWORD\" >/dev/null"
        + " && mc mb --ignore-existing backup/" + bucket;
    HasMetadata job = new JobBuilder().withNewMetadata().withName(BUCKET_JOB).withNamespace(NAMESPACE).withLabels(LABELS)
        .endMetadata()
        .withNewSpec().withBackoffLimit(10)
        .withNewTemplate().withNewMetadata().withLabels(Map.of("app.kubernetes.io/name", BUCKET_JOB)).endMetadata()
        .withNewSpec().withRestartPolicy("OnFailure")
        .withNewSecurityContext().withRunAsUser((long) NfsServer.MINIO_UID).withRunAsNonRoot(true).endSecurityContext()
        .addNewContainer().withName("mc").withImage(MC_IMAGE)
        .withCommand("/bin/sh", "-c", script)
        .withEnv(credentialEnv("MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"))
        .addToEnv(new EnvVarBuilder().withName("MC_CONFIG_DIR").withValue("/tmp/mc").build())
        .endContainer()
        .endSpec().endTemplate().endSpec().build();
    return KubeYaml.documents(List.of(job));
  }

  private static List<EnvVar> credentialEnv(String userVar, String passwordVar) {
    return List.of(
        new EnvVarBuilder().withName(userVar).withNewValueFrom().withNewSecretKeyRef().withName(SECRET).withKey(USER_KEY)
            .endSecretKeyRef().endValueFrom().build(),
        new EnvVarBuilder().withName(passwordVar).withNewValueFrom().withNewSecretKeyRef().withName(SECRET).withKey(PASSWORD_KEY)
            .endSecretKeyRef().endValueFrom().build());
  }
}
