package dev.kubesmith.addons.logging;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The Kubernetes objects of {@link Logging}, built with fabric8's typed builders: namespace
 * {@value #NAMESPACE}, Elasticsearch (headless Service and StatefulSet), Kibana (Deployment and
 * Service), fluent-bit (ServiceAccount, ClusterRole and binding, ConfigMap, DaemonSet) and the
 * {@value #CLEANUP} CronJob. Serialize with {@link dev.kubesmith.addons.ingress.TraefikManifests#toYaml(List)}.
 */
public final class LoggingManifests {
  public static final String NAMESPACE = "logging";
  public static final String ELASTICSEARCH = "elasticsearch";
  public static final String KIBANA = "kibana";
  public static final String FLUENT_BIT = "fluent-bit";
  public static final String FLUENT_BIT_CONFIG = "fluent-bit-config";
  public static final String CLEANUP = "index-cleanup";
  public static final int ES_HTTP_PORT = 9200;
  public static final int ES_TRANSPORT_PORT = 9300;
  public static final int KIBANA_PORT = 5601;
  /** The memory request and limit of each Elasticsearch pod. */
  public static final String ES_MEMORY = "4Gi";
  public static final int ES_MEMORY_MIB = 4096;
  /** Half of {@link #ES_MEMORY}, as Elasticsearch recommends. */
  public static final String ES_HEAP = "2g";
  /** fluent-bit's Logstash_Format prefix: indices are {@code logstash-YYYY.MM.DD}. */
  public static final String INDEX_PREFIX = "logstash";
  /** Daily, at 01:30. */
  public static final String CLEANUP_SCHEDULE = "30 1 * * *";
  public static final String ES_URL = "http://" + ELASTICSEARCH + "." + NAMESPACE + ".svc:" + ES_HTTP_PORT;

  private LoggingManifests() {}

  public static Namespace namespace() {
    return new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build();
  }

  private static Map<String, String> labels(String app) {
    return Map.of("app.kubernetes.io/name", app, "app.kubernetes.io/part-of", "kubesmith-logging");
  }

  /** Headless: each pod gets a DNS name {@code elasticsearch-<n>.elasticsearch} for discovery. */
  public static Service elasticsearchService() {
    return new ServiceBuilder()
        .withNewMetadata().withName(ELASTICSEARCH).withNamespace(NAMESPACE).withLabels(labels(ELASTICSEARCH)).endMetadata()
        .withNewSpec().withClusterIP("None").withSelector(labels(ELASTICSEARCH)).withPublishNotReadyAddresses(true)
        .addNewPort().withName("http").withPort(ES_HTTP_PORT).withTargetPort(new IntOrString(ES_HTTP_PORT)).endPort()
        .addNewPort().withName("transport").withPort(ES_TRANSPORT_PORT).withTargetPort(new IntOrString(ES_TRANSPORT_PORT)).endPort()
        .endSpec().build();
  }

  /** The environment of each Elasticsearch node: discovery for the replica count, security off, heap. */
  static List<EnvVar> elasticsearchEnv(int replicas) {
    List<EnvVar> env = new ArrayList<>();
    env.add(env("cluster.name", NAMESPACE));
    env.add(new EnvVarBuilder().withName("node.name").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name")
        .endFieldRef().endValueFrom().build());
    if (replicas == 1) {
      env.add(env("discovery.type", "single-node"));
    } else {
      env.add(env("discovery.seed_hosts", IntStream.range(0, replicas)
          .mapToObj(i -> ELASTICSEARCH + "-" + i + "." + ELASTICSEARCH).collect(Collectors.joining(","))));
      env.add(env("cluster.initial_master_nodes", IntStream.range(0, replicas)
          .mapToObj(i -> ELASTICSEARCH + "-" + i).collect(Collectors.joining(","))));
    }
    env.add(env("xpack.security.enabled", "false"));
    env.add(env("xpack.security.http.ssl.enabled", "false"));
    env.add(env("xpack.security.transport.ssl.enabled", "false"));
    env.add(env("ES_JAVA_OPTS", "-Xms" + ES_HEAP + " -Xmx" + ES_HEAP));
    return env;
  }

  public static StatefulSet elasticsearch(int replicas, String storage, String storageClass, String image) {
    Map<String, Quantity> memory = Map.of("memory", new Quantity(ES_MEMORY));
    return new StatefulSetBuilder()
        .withNewMetadata().withName(ELASTICSEARCH).withNamespace(NAMESPACE).withLabels(labels(ELASTICSEARCH)).endMetadata()
        .withNewSpec()
        .withServiceName(ELASTICSEARCH).withReplicas(replicas).withPodManagementPolicy("Parallel")
        .withNewSelector().withMatchLabels(labels(ELASTICSEARCH)).endSelector()
        .withNewTemplate()
        .withNewMetadata().withLabels(labels(ELASTICSEARCH)).endMetadata()
        .withNewSpec()
        .withNewSecurityContext().withFsGroup(1000L).endSecurityContext()
        .addNewInitContainer()
        .withName("sysctl").withImage(image)
        .withCommand("sysctl", "-w", "vm.max_map_count=262144")
        .withNewSecurityContext().withPrivileged(true).withRunAsUser(0L).endSecurityContext()
        .endInitContainer()
        .addNewContainer()
        .withName(ELASTICSEARCH).withImage(image)
        .withEnv(elasticsearchEnv(replicas))
        .addNewPort().withName("http").withContainerPort(ES_HTTP_PORT).endPort()
        .addNewPort().withName("transport").withContainerPort(ES_TRANSPORT_PORT).endPort()
        .withNewResources().withRequests(Map.of("memory", new Quantity(ES_MEMORY), "cpu", new Quantity("500m")))
        .withLimits(memory).endResources()
        .withNewReadinessProbe().withNewHttpGet().withPath("/_cluster/health?local=true").withPort(new IntOrString(ES_HTTP_PORT))
        .endHttpGet().withInitialDelaySeconds(20).withPeriodSeconds(10).endReadinessProbe()
        .addNewVolumeMount().withName("data").withMountPath("/usr/share/elasticsearch/data").endVolumeMount()
        .endContainer()
        .endSpec()
        .endTemplate()
        .addNewVolumeClaimTemplate()
        .withNewMetadata().withName("data").endMetadata()
        .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName(storageClass)
        .withNewResources().withRequests(Map.of("storage", new Quantity(storage))).endResources()
        .endSpec()
        .endVolumeClaimTemplate()
        .endSpec()
        .build();
  }

  public static Deployment kibana(String image) {
    return new DeploymentBuilder()
        .withNewMetadata().withName(KIBANA).withNamespace(NAMESPACE).withLabels(labels(KIBANA)).endMetadata()
        .withNewSpec().withReplicas(1)
        .withNewSelector().withMatchLabels(labels(KIBANA)).endSelector()
        .withNewTemplate()
        .withNewMetadata().withLabels(labels(KIBANA)).endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(KIBANA).withImage(image)
        .withEnv(env("ELASTICSEARCH_HOSTS", ES_URL), env("SERVER_NAME", KIBANA))
        .addNewPort().withName("http").withContainerPort(KIBANA_PORT).endPort()
        .withNewResources().withRequests(Map.of("memory", new Quantity("1Gi"))).withLimits(Map.of("memory", new Quantity("1Gi")))
        .endResources()
        .withNewReadinessProbe().withNewHttpGet().withPath("/api/status").withPort(new IntOrString(KIBANA_PORT)).endHttpGet()
        .withInitialDelaySeconds(30).withPeriodSeconds(10).endReadinessProbe()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  public static Service kibanaService() {
    return new ServiceBuilder()
        .withNewMetadata().withName(KIBANA).withNamespace(NAMESPACE).withLabels(labels(KIBANA)).endMetadata()
        .withNewSpec().withSelector(labels(KIBANA))
        .addNewPort().withName("http").withPort(KIBANA_PORT).withTargetPort(new IntOrString(KIBANA_PORT)).endPort()
        .endSpec().build();
  }

  public static ServiceAccount fluentBitServiceAccount() {
    return new ServiceAccountBuilder().withNewMetadata().withName(FLUENT_BIT).withNamespace(NAMESPACE).endMetadata().build();
  }

  /** Read access to pods and namespaces for the kubernetes filter. */
  public static ClusterRole fluentBitClusterRole() {
    return new ClusterRoleBuilder().withNewMetadata().withName(FLUENT_BIT).endMetadata()
        .withRules(new PolicyRuleBuilder().withApiGroups("").withResources("pods", "namespaces")
            .withVerbs("get", "list", "watch").build())
        .build();
  }

  public static ClusterRoleBinding fluentBitClusterRoleBinding() {
    return new ClusterRoleBindingBuilder().withNewMetadata().withName(FLUENT_BIT).endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(FLUENT_BIT).endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName(FLUENT_BIT).withNamespace(NAMESPACE).endSubject()
        .build();
  }

  /** fluent-bit's configuration: tail container logs (CRI format), add Kubernetes metadata, ship to Elasticsearch. */
  public static String fluentBitConf() {
    return """
        [SERVICE]
            Flush             5
            Daemon            Off
            Log_Level         info
            HTTP_Server       On
            HTTP_Listen       0.0.0.0
            HTTP_Port         2020

        [INPUT]
            Name              tail
            Tag               kube.*
            Path              /var/log/containers/*.log
            multiline.parser  cri
            DB                /var/lib/fluent-bit/tail-containers.db
            Mem_Buf_Limit     5MB
            Skip_Long_Lines   On
            Refresh_Interval  10

        [FILTER]
            Name                kubernetes
            Match               kube.*
            Kube_URL            https://kubernetes.default.svc:443
            Kube_Tag_Prefix     kube.var.log.containers.
            Merge_Log           On
            Keep_Log            Off
            K8S-Logging.Parser  On
            K8S-Logging.Exclude On

        [OUTPUT]
            Name                es
            Match               kube.*
            Host                %s
            Port                %d
            Logstash_Format     On
            Logstash_Prefix     %s
            Replace_Dots        On
            Suppress_Type_Name  On
            Retry_Limit         False
        """.formatted(ELASTICSEARCH + "." + NAMESPACE + ".svc", ES_HTTP_PORT, INDEX_PREFIX);
  }

  public static ConfigMap fluentBitConfig() {
    return new ConfigMapBuilder().withNewMetadata().withName(FLUENT_BIT_CONFIG).withNamespace(NAMESPACE).endMetadata()
        .addToData("fluent-bit.conf", fluentBitConf()).build();
  }

  /** On every node, whatever its taints: /var/log read-only, its read positions in /var/lib/fluent-bit. */
  public static DaemonSet fluentBit(String image) {
    return new DaemonSetBuilder()
        .withNewMetadata().withName(FLUENT_BIT).withNamespace(NAMESPACE).withLabels(labels(FLUENT_BIT)).endMetadata()
        .withNewSpec()
        .withNewSelector().withMatchLabels(labels(FLUENT_BIT)).endSelector()
        .withNewTemplate()
        .withNewMetadata().withLabels(labels(FLUENT_BIT)).endMetadata()
        .withNewSpec()
        .withServiceAccountName(FLUENT_BIT)
        .addNewToleration().withOperator("Exists").endToleration()
        .addNewContainer()
        .withName(FLUENT_BIT).withImage(image)
        .withArgs("--config=/fluent-bit/etc/conf/fluent-bit.conf")
        .addNewPort().withName("http").withContainerPort(2020).endPort()
        .withNewResources().withRequests(Map.of("memory", new Quantity("64Mi"), "cpu", new Quantity("50m")))
        .withLimits(Map.of("memory", new Quantity("256Mi"))).endResources()
        .addNewVolumeMount().withName("varlog").withMountPath("/var/log").withReadOnly(true).endVolumeMount()
        .addNewVolumeMount().withName("state").withMountPath("/var/lib/fluent-bit").endVolumeMount()
        .addNewVolumeMount().withName("config").withMountPath("/fluent-bit/etc/conf").endVolumeMount()
        .endContainer()
        .addNewVolume().withName("varlog").withNewHostPath().withPath("/var/log").endHostPath().endVolume()
        .addNewVolume().withName("state").withNewHostPath().withPath("/var/lib/fluent-bit").withType("DirectoryOrCreate")
        .endHostPath().endVolume()
        .addNewVolume().withName("config").withNewConfigMap().withName(FLUENT_BIT_CONFIG).endConfigMap().endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * The shell script of the cleanup job: deletes every {@code logstash-YYYY.MM.DD} index whose day is
   * more than {@code retentionDays} days ago, through the Elasticsearch API.
   */
  public static String cleanupScript(int retentionDays) {
    return """
        set -eu
        retention_days=%d
        cutoff=$(date -u -d "@$(( $(date +%%s) - retention_days * 86400 ))" +%%Y%%m%%d)
        for index in $(curl -fsS "%s/_cat/indices/%s-*?h=index"); do
          day=$(echo "${index#%s-}" | tr -d .)
          case "$day" in ''|*[!0-9]*) continue ;; esac
          if [ "$day" -lt "$cutoff" ]; then
            echo "deleting $index: older than $retention_days days"
            curl -fsS -X DELETE "%s/$index"
          fi
        done
        """.formatted(retentionDays, ES_URL, INDEX_PREFIX, INDEX_PREFIX, ES_URL);
  }

  public static CronJob cleanup(int retentionDays, String image) {
    return new CronJobBuilder()
        .withNewMetadata().withName(CLEANUP).withNamespace(NAMESPACE).withLabels(labels(CLEANUP)).endMetadata()
        .withNewSpec().withSchedule(CLEANUP_SCHEDULE).withConcurrencyPolicy("Forbid")
        .withSuccessfulJobsHistoryLimit(3).withFailedJobsHistoryLimit(3)
        .withNewJobTemplate().withNewSpec().withBackoffLimit(2)
        .withNewTemplate().withNewSpec().withRestartPolicy("OnFailure")
        .addNewContainer().withName(CLEANUP).withImage(image)
        .withCommand("/bin/sh", "-c", cleanupScript(retentionDays))
        .endContainer()
        .endSpec().endTemplate()
        .endSpec().endJobTemplate()
        .endSpec()
        .build();
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }
}
