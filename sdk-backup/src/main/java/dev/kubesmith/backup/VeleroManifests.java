package dev.kubesmith.backup;

import dev.kubesmith.backup.internal.KubeYaml;
import dev.kubesmith.backup.minio.MinioManifests;
import dev.kubesmith.plan.Secrets;
import dev.kubesmith.upstream.UpstreamFile;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Velero {@value #VERSION}'s objects, as {@code velero install --use-node-agent --uploader-type kopia}
 * makes them: the upstream CRDs (from the mirror, by checksum), namespace {@value #NAMESPACE}, the
 * service account bound to cluster-admin, the credentials Secret {@value #CREDENTIALS_SECRET}, the
 * server Deployment with the AWS object-store plugin as an init container, the node agent DaemonSet
 * for file-system (kopia) volume backups, the BackupStorageLocation on MinIO, and the Schedules.
 *
 * <pre>{@code
 * String yaml = VeleroManifests.server();
 * Map<String, Object> bsl = VeleroManifests.storageLocation("velero");
 * Map<String, Object> schedule = VeleroManifests.schedule(BackupSchedule.parse("name=test-daily,cron=@daily"));
 * }</pre>
 */
public final class VeleroManifests {
  public static final String VERSION = "v1.18.1";
  public static final String IMAGE = "velero/velero:" + VERSION;
  /** The AWS plugin line released for Velero 1.18 (plugin v1.14.x). */
  public static final String AWS_PLUGIN_IMAGE = "velero/velero-plugin-for-aws:v1.14.2";
  public static final String NAMESPACE = "velero";
  public static final String API_VERSION = "velero.io/v1";
  public static final String CREDENTIALS_SECRET = "cloud-credentials";
  public static final String STORAGE_LOCATION = "default";
  public static final String NODE_AGENT = "node-agent";
  public static final String SERVER = "velero";
  private static final Map<String, String> LABELS = Map.of("component", "velero", "app.kubernetes.io/managed-by", "kubesmith");

  /** The CRDs Velero's server and node agent watch: v1, and v2alpha1 for the data mover. */
  public static final List<UpstreamFile> CRDS = List.of(
      crd("v1", "backuprepositories", "a269b5e2949ba3207dd3323fdd17cd5dfd8dfafac5b9b01f2ad6409da4d56e65"),
      crd("v1", "backups", "38107fa5fad6bff25794489d12c8a898eed4d9d89ed49d00ea90369bc4e206b1"),
      crd("v1", "backupstoragelocations", "bd6e8fb1169d6e9299f49090f86cb9aa263a9e67314013ba231e93ba74485eba"),
      crd("v1", "deletebackuprequests", "c3e027086585c15a3b05b5596bcf3b6fed2dad9fdc8dea8cbcfb0abd5fc2ab50"),
      crd("v1", "downloadrequests", "329b4ecc223a478da489bf79e4a8d9710513b1d17527de18aa1275b5c7538119"),
      crd("v1", "podvolumebackups", "09ce164be8559b6f6f6de314afd796071435daa9e4ce4343879443ea69f4d28d"),
      crd("v1", "podvolumerestores", "39987e95bb16e5119b67f9a9664ad04d9f5cb1e9cf44bdf22276bd00106f8cdb"),
      crd("v1", "restores", "55ef18748fbb16ed5d585ca33a9f35ba43a5b6ebac712522e93d8e0426da3258"),
      crd("v1", "schedules", "d2276c19d93b63ed848fb492a0f34a2ac1e162938bed499a824acf356b5860c9"),
      crd("v1", "serverstatusrequests", "3e1b02454ed384a5fc72dccf6273328ba10a74c05bbff05cb92e6da0e747b22d"),
      crd("v1", "volumesnapshotlocations", "ec1b87c3f1b83053e97e01edf3aa059dff2bcb73c9d8a89bc08a5e8644777849"),
      crd("v2alpha1", "datadownloads", "2665604bf20360a2216c33057d95d7820c9fdc1c9b7e2ee4b4de8ed7244177e1"),
      crd("v2alpha1", "datauploads", "64457a986612875e20a9c38da16f7377bd3c08f06a88dff41aaeb94ee20c595b"));

  private VeleroManifests() {}

  /** The CRD of an upstream file: {@code velero.io_backups.yaml} defines {@code backups.velero.io}. */
  public static String crdName(UpstreamFile f) {
    String file = f.mirrorPath().substring(f.mirrorPath().lastIndexOf('/') + 1);
    return file.substring("velero.io_".length(), file.length() - ".yaml".length()) + ".velero.io";
  }

  /** Namespace, service account, binding, credentials Secret, server Deployment and node agent DaemonSet. */
  public static String server() {
    return KubeYaml.documents(List.of(namespace(), serviceAccount(), binding(), credentials(), deployment(), nodeAgent()));
  }

  static HasMetadata namespace() {
    return new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).withLabels(LABELS).endMetadata().build();
  }

  static HasMetadata serviceAccount() {
    return new ServiceAccountBuilder().withNewMetadata().withName(SERVER).withNamespace(NAMESPACE).withLabels(LABELS)
        .endMetadata().build();
  }

  /** Velero backs up and restores every kind, so it gets cluster-admin, as velero install grants. */
  static HasMetadata binding() {
    return new ClusterRoleBindingBuilder().withNewMetadata().withName(SERVER).withLabels(LABELS).endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("cluster-admin").endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName(SERVER).withNamespace(NAMESPACE).endSubject()
        .build();
  }

  /** The AWS shared-credentials file for MinIO's root user; the password is a placeholder filled at apply time. */
  static HasMetadata credentials() {
    String file = "[default]\naws_access_key_id=" + MinioManifests.ROOT_USER + "\naws_secret_access_key="
        + Secrets.placeholder(MinioManifests.PASSWORD_SECRET) + "\n";
    return new SecretBuilder().withNewMetadata().withName(CREDENTIALS_SECRET).withNamespace(NAMESPACE).withLabels(LABELS)
        .endMetadata().withType("Opaque").addToStringData("cloud", file).build();
  }

  static HasMetadata deployment() {
    return new DeploymentBuilder().withNewMetadata().withName(SERVER).withNamespace(NAMESPACE).withLabels(LABELS).endMetadata()
        .withNewSpec().withReplicas(1)
        .withNewSelector().addToMatchLabels("deploy", SERVER).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels(LABELS).addToLabels("deploy", SERVER).endMetadata()
        .withNewSpec().withServiceAccountName(SERVER).withRestartPolicy("Always")
        .addNewInitContainer().withName("velero-plugin-for-aws").withImage(AWS_PLUGIN_IMAGE)
        .addNewVolumeMount().withName("plugins").withMountPath("/target").endVolumeMount()
        .endInitContainer()
        .addNewContainer().withName(SERVER).withImage(IMAGE).withCommand("/velero")
        .withArgs("server", "--uploader-type=kopia", "--features=")
        .addNewPort().withName("metrics").withContainerPort(8085).endPort()
        .withEnv(env(false))
        .withVolumeMounts(mount("plugins", "/plugins"), mount("scratch", "/scratch"), mount(CREDENTIALS_SECRET, "/credentials"))
        .endContainer()
        .withVolumes(emptyDir("plugins"), emptyDir("scratch"), secretVolume())
        .endSpec().endTemplate().endSpec().build();
  }

  /** The node agent on every node: reads pod volumes under the kubelet's directory for kopia backups. */
  static HasMetadata nodeAgent() {
    VolumeMount pods = new VolumeMountBuilder().withName("host-pods").withMountPath("/host_pods")
        .withMountPropagation("HostToContainer").build();
    VolumeMount plugins = new VolumeMountBuilder().withName("host-plugins").withMountPath("/var/lib/kubelet/plugins")
        .withMountPropagation("HostToContainer").build();
    return new DaemonSetBuilder().withNewMetadata().withName(NODE_AGENT).withNamespace(NAMESPACE).withLabels(LABELS).endMetadata()
        .withNewSpec()
        .withNewSelector().addToMatchLabels("name", NODE_AGENT).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels(LABELS).addToLabels("name", NODE_AGENT).endMetadata()
        .withNewSpec().withServiceAccountName(SERVER)
        .withNewSecurityContext().withRunAsUser(0L).endSecurityContext()
        .addNewContainer().withName(NODE_AGENT).withImage(IMAGE).withCommand("/velero")
        .withArgs("node-agent", "server", "--features=")
        .addNewPort().withName("metrics").withContainerPort(8085).endPort()
        .withEnv(env(true))
        .withVolumeMounts(pods, plugins, mount("scratch", "/scratch"), mount(CREDENTIALS_SECRET, "/credentials"))
        .endContainer()
        .withVolumes(hostPath("host-pods", "/var/lib/kubelet/pods"), hostPath("host-plugins", "/var/lib/kubelet/plugins"),
            emptyDir("scratch"), secretVolume())
        .endSpec().endTemplate().endSpec().build();
  }

  /** The default BackupStorageLocation: the bucket on MinIO through its in-cluster Service, path-style. */
  public static Map<String, Object> storageLocation(String bucket) {
    Map<String, Object> config = KubeYaml.map("region", "minio", "s3ForcePathStyle", "true", "s3Url", MinioManifests.URL);
    Map<String, Object> spec = KubeYaml.map("provider", "aws", "default", true,
        "objectStorage", KubeYaml.map("bucket", bucket),
        "config", config,
        "credential", KubeYaml.map("name", CREDENTIALS_SECRET, "key", "cloud"));
    return KubeYaml.resource(API_VERSION, "BackupStorageLocation", NAMESPACE, STORAGE_LOCATION, LABELS, spec);
  }

  /** A Schedule: its cron schedule and a backup template with the namespaces and TTL. */
  public static Map<String, Object> schedule(BackupSchedule s) {
    Map<String, Object> template = new LinkedHashMap<>();
    if (!s.namespaces().isEmpty()) {
      template.put("includedNamespaces", new ArrayList<>(s.namespaces()));
    }
    template.put("storageLocation", STORAGE_LOCATION);
    template.put("ttl", s.ttlText());
    Map<String, Object> spec = KubeYaml.map("schedule", s.cronExpression().text(), "template", template,
        "useOwnerReferencesInBackup", false);
    return KubeYaml.resource(API_VERSION, "Schedule", NAMESPACE, s.name(), LABELS, spec);
  }

  private static List<EnvVar> env(boolean nodeAgent) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVarBuilder().withName("VELERO_NAMESPACE").withNewValueFrom().withNewFieldRef()
        .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().build());
    if (nodeAgent) {
      env.add(new EnvVarBuilder().withName("NODE_NAME").withNewValueFrom().withNewFieldRef()
          .withFieldPath("spec.nodeName").endFieldRef().endValueFrom().build());
    } else {
      env.add(new EnvVarBuilder().withName("LD_LIBRARY_PATH").withValue("/plugins").build());
    }
    env.add(new EnvVarBuilder().withName("VELERO_SCRATCH_DIR").withValue("/scratch").build());
    env.add(new EnvVarBuilder().withName("AWS_SHARED_CREDENTIALS_FILE").withValue("/credentials/cloud").build());
    return env;
  }

  private static VolumeMount mount(String name, String path) {
    return new VolumeMountBuilder().withName(name).withMountPath(path).build();
  }

  private static Volume emptyDir(String name) {
    return new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
  }

  private static Volume hostPath(String name, String path) {
    return new VolumeBuilder().withName(name).withNewHostPath().withPath(path).endHostPath().build();
  }

  private static Volume secretVolume() {
    return new VolumeBuilder().withName(CREDENTIALS_SECRET).withNewSecret().withSecretName(CREDENTIALS_SECRET).endSecret().build();
  }

  private static UpstreamFile crd(String version, String plural, String sha256) {
    String file = "crds/" + version + "/velero.io_" + plural + ".yaml";
    return new UpstreamFile("velero", VERSION, "velero/" + file,
        "https://raw.githubusercontent.com/vmware-tanzu/velero/" + VERSION + "/config/crd/" + version + "/bases/velero.io_"
            + plural + ".yaml", sha256);
  }
}
