package dev.kubesmith.addons.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.addons.ingress.BasicAuth;
import dev.kubesmith.addons.ingress.Traefik;
import dev.kubesmith.addons.ingress.TraefikManifests;
import dev.kubesmith.addons.storage.RookCeph;
import dev.kubesmith.addons.testing.Clusters;
import dev.kubesmith.addons.testing.Plans;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.ComponentProvider;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ComponentSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Problem;
import dev.kubesmith.spec.Role;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LoggingTest {

  /** The objects of the {@code logging} step, read back from its YAML into fabric8's model. */
  private static List<HasMetadata> objects(Plan plan) {
    Step main = plan.requireStep("logging");
    assertThat(main.manifests()).hasSize(1);
    return TraefikManifests.documents(main.manifests().get(0).yaml()).stream()
        .map(d -> (HasMetadata) Serialization.unmarshal(Serialization.asJson(d))).toList();
  }

  private static <T extends HasMetadata> T object(List<HasMetadata> objects, Class<T> type, String name) {
    return objects.stream().filter(type::isInstance).map(type::cast).filter(o -> o.getMetadata().getName().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  private static Map<String, String> env(Container c) {
    return c.getEnv().stream().filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  private static ClusterSpec withWorkerMemory(int mib) {
    ClusterSpec ha = Clusters.ha();
    return ClusterSpec.builder().from(ha)
        .hosts(ha.hosts().stream().map(h -> h.name().equals("worker2")
            ? Host.builder().from(h).memoryMib(mib).build() : h).toList())
        .build();
  }

  // ---- plan shape

  @Test
  void alonePlansOneClusterStepInAddonsAfterNodesWithTheThreeWaits() {
    Plan plan = Plans.of(Clusters.ha(), Logging.efk());

    List<Step> addons = plan.steps().stream().filter(s -> s.phase() == Phase.ADDONS).toList();
    assertThat(addons).extracting(Step::id).containsExactly("logging");
    Step main = addons.get(0);
    assertThat(main.host()).isEmpty();
    assertThat(main.dependsOn()).containsExactly(Plans.NODES_READY);
    assertThat(main.waitFor()).containsExactly(
        "statefulset/logging/elasticsearch", "deployment/logging/kibana", "daemonset/logging/fluent-bit");
    assertThat(plan.step("logging-ingress")).isEmpty();
  }

  @Test
  void withRookCephAndTraefikDependsOnTheCephClusterAndTraefikAndTheIngressOnTraefiksCrds() {
    Plan plan = Plans.of(Clusters.ha(), RookCeph.defaults(), Traefik.defaults(), Logging.efk().domain("apps.example.com"));

    assertThat(plan.requireStep("logging").dependsOn()).contains("rook-ceph-cluster", "traefik", Plans.NODES_READY);
    assertThat(plan.requireStep("logging-ingress").dependsOn()).contains("logging", "traefik-crds");
    assertThat(plan.requireStep("logging-ingress").phase()).isEqualTo(Phase.ADDONS);
    assertThat(plan.requireStep("logging-ingress").host()).isEmpty();
  }

  @Test
  void ingressStepOnlyWithADomain_basicAuthAndAKibanaRouteOnPort5601() {
    Logging logging = Logging.efk().domain("apps.example.com");
    Plan plan = Plans.of(Clusters.ha(), logging);

    Step ingress = plan.requireStep("logging-ingress");
    assertThat(ingress.manifests()).extracting(Manifest::name).containsExactly("basic-auth-logging", "logging-ingress");
    String auth = ingress.manifests().get(0).yaml();
    assertThat(auth).contains("kind: Secret", "name: " + BasicAuth.SECRET_NAME, "kind: Middleware", "namespace: logging");
    assertThat(auth).doesNotContain(logging.basicAuth().orElseThrow().generatedPasswords().get("admin"));
    @SuppressWarnings("unchecked")
    Map<String, Object> route = (Map<String, Object>) TraefikManifests.documents(ingress.manifests().get(1).yaml()).get(0);
    assertThat(route).containsEntry("kind", "IngressRoute");
    String text = route.toString();
    assertThat(text).contains("Host(`kibana.apps.example.com`)", "name=kibana", "port=5601", "basic-auth");
    assertThat(logging.kibanaHost()).contains("kibana.apps.example.com");
    assertThat(plan.notes()).anyMatch(n -> n.contains("https://kibana.apps.example.com"));
  }

  // ---- objects

  @Test
  void elasticsearchIsAHeadlessServiceAndAStatefulSetWithVolumeClaimTemplatesOnTheStorageClass() {
    List<HasMetadata> objects = objects(Plans.of(Clusters.ha(), Logging.efk()));

    assertThat(objects.get(0).getKind()).isEqualTo("Namespace");
    assertThat(objects).allSatisfy(o -> {
      if (!o.getKind().startsWith("Cluster") && !o.getKind().equals("Namespace")) {
        assertThat(o.getMetadata().getNamespace()).isEqualTo("logging");
      }
    });
    Service svc = object(objects, Service.class, "elasticsearch");
    assertThat(svc.getSpec().getClusterIP()).isEqualTo("None");
    StatefulSet es = object(objects, StatefulSet.class, "elasticsearch");
    assertThat(es.getSpec().getReplicas()).isEqualTo(2);
    assertThat(es.getSpec().getServiceName()).isEqualTo("elasticsearch");
    PersistentVolumeClaim claim = es.getSpec().getVolumeClaimTemplates().get(0);
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo("rook-ceph-block");
    assertThat(claim.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("40Gi");
    Container c = es.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("docker.elastic.co/elasticsearch/elasticsearch:8.15.3");
    assertThat(c.getVolumeMounts()).extracting(VolumeMount::getName).containsExactly(claim.getMetadata().getName());
    assertThat(c.getResources().getRequests().get("memory").toString()).isEqualTo("4Gi");
    assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("4Gi");
    assertThat(env(c)).containsEntry("ES_JAVA_OPTS", "-Xms2g -Xmx2g").containsEntry("xpack.security.enabled", "false")
        .containsEntry("discovery.seed_hosts", "elasticsearch-0.elasticsearch,elasticsearch-1.elasticsearch")
        .containsEntry("cluster.initial_master_nodes", "elasticsearch-0,elasticsearch-1");
    Container init = es.getSpec().getTemplate().getSpec().getInitContainers().get(0);
    assertThat(init.getCommand()).containsExactly("sysctl", "-w", "vm.max_map_count=262144");
    assertThat(init.getSecurityContext().getPrivileged()).isTrue();
  }

  @Test
  void replicasStorageAndClassFollowTheSettingsAndOneReplicaIsASingleNodeCluster() {
    StatefulSet three = object(objects(Plans.of(Clusters.ha(),
        Logging.efk().elasticsearchReplicas(3).storage("100Gi").storageClass("fast-ssd"))), StatefulSet.class, "elasticsearch");
    assertThat(three.getSpec().getReplicas()).isEqualTo(3);
    assertThat(three.getSpec().getVolumeClaimTemplates().get(0).getSpec().getStorageClassName()).isEqualTo("fast-ssd");
    assertThat(three.getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests().get("storage").toString())
        .isEqualTo("100Gi");
    assertThat(env(three.getSpec().getTemplate().getSpec().getContainers().get(0)))
        .containsEntry("cluster.initial_master_nodes", "elasticsearch-0,elasticsearch-1,elasticsearch-2");

    StatefulSet one = object(objects(Plans.of(Clusters.ha(), Logging.efk().elasticsearchReplicas(1))), StatefulSet.class, "elasticsearch");
    assertThat(env(one.getSpec().getTemplate().getSpec().getContainers().get(0)))
        .containsEntry("discovery.type", "single-node").doesNotContainKeys("cluster.initial_master_nodes", "discovery.seed_hosts");
  }

  @Test
  void kibanaDeploymentAndServiceOn5601PointAtElasticsearch() {
    List<HasMetadata> objects = objects(Plans.of(Clusters.ha(), Logging.efk()));

    Deployment kibana = object(objects, Deployment.class, "kibana");
    Container c = kibana.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("docker.elastic.co/kibana/kibana:8.15.3");
    assertThat(env(c)).containsEntry("ELASTICSEARCH_HOSTS", "http://elasticsearch.logging.svc:9200");
    assertThat(object(objects, Service.class, "kibana").getSpec().getPorts().get(0).getPort()).isEqualTo(5601);
  }

  @Test
  void fluentBitDaemonSetToleratesAllTaintsMountsVarLogReadOnlyAndHasReadRbac() {
    List<HasMetadata> objects = objects(Plans.of(Clusters.ha(), Logging.efk()));

    DaemonSet ds = object(objects, DaemonSet.class, "fluent-bit");
    var pod = ds.getSpec().getTemplate().getSpec();
    assertThat(pod.getTolerations()).singleElement().satisfies(t -> {
      assertThat(t.getOperator()).isEqualTo("Exists");
      assertThat(t.getKey()).isNull();
      assertThat(t.getEffect()).isNull();
    });
    assertThat(pod.getServiceAccountName()).isEqualTo("fluent-bit");
    Container c = pod.getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("cr.fluentbit.io/fluent/fluent-bit:3.1.9");
    VolumeMount varlog = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/var/log")).findFirst().orElseThrow();
    assertThat(varlog.getReadOnly()).isTrue();
    assertThat(pod.getVolumes()).anySatisfy(v -> {
      assertThat(v.getName()).isEqualTo(varlog.getName());
      assertThat(v.getHostPath().getPath()).isEqualTo("/var/log");
    });
    assertThat(pod.getVolumes()).filteredOn(v -> v.getConfigMap() != null)
        .singleElement().satisfies(v -> assertThat(v.getConfigMap().getName()).isEqualTo("fluent-bit-config"));

    ClusterRole role = object(objects, ClusterRole.class, "fluent-bit");
    assertThat(role.getRules()).singleElement().satisfies(r -> {
      assertThat(r.getResources()).containsExactlyInAnyOrder("pods", "namespaces");
      assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
    });
    ClusterRoleBinding binding = object(objects, ClusterRoleBinding.class, "fluent-bit");
    assertThat(binding.getRoleRef().getName()).isEqualTo("fluent-bit");
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getNamespace()).isEqualTo("logging");
    });
  }

  @Test
  void fluentBitConfigTailsContainerLogsWithCriAddsKubernetesMetadataAndShipsToElasticsearch() {
    ConfigMap cm = object(objects(Plans.of(Clusters.ha(), Logging.efk())), ConfigMap.class, "fluent-bit-config");
    String conf = cm.getData().get("fluent-bit.conf");

    assertThat(conf).containsPattern("\\[INPUT\\]\\s+Name\\s+tail")
        .containsPattern("Path\\s+/var/log/containers/\\*\\.log")
        .containsPattern("multiline\\.parser\\s+cri")
        .containsPattern("\\[FILTER\\]\\s+Name\\s+kubernetes")
        .containsPattern("\\[OUTPUT\\]\\s+Name\\s+es")
        .containsPattern("Host\\s+elasticsearch\\.logging\\.svc\\n")
        .containsPattern("Port\\s+9200")
        .containsPattern("Logstash_Format\\s+On");
    // the DaemonSet starts fluent-bit with this file
    DaemonSet ds = object(objects(Plans.of(Clusters.ha(), Logging.efk())), DaemonSet.class, "fluent-bit");
    assertThat(ds.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsExactly("--config=/fluent-bit/etc/conf/fluent-bit.conf");
  }

  @Test
  void cleanupCronJobRunsDailyAndDeletesIndicesOlderThanTheRetentionThroughTheApi() {
    CronJob job = object(objects(Plans.of(Clusters.ha(), Logging.efk().retentionDays(30))), CronJob.class, "index-cleanup");

    assertThat(job.getSpec().getSchedule()).matches("\\d+ \\d+ \\* \\* \\*");
    Container c = job.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("curlimages/curl:8.10.1");
    assertThat(c.getCommand()).hasSize(3).startsWith("/bin/sh", "-c");
    String script = c.getCommand().get(2);
    assertThat(script).contains("retention_days=30", "retention_days * 86400",
        "http://elasticsearch.logging.svc:9200/_cat/indices/logstash-*", "curl -fsS -X DELETE");
    assertThat(LoggingManifests.cleanupScript(90)).contains("retention_days=90");
  }

  // ---- settings

  @Test
  void defaultsAndRequiresAndANonDefaultProvider() {
    Logging d = Logging.efk();
    assertThat(d.requires()).containsExactlyInAnyOrder("rook-ceph", "traefik");
    assertThat(d.kind()).isEqualTo(ComponentKind.ADDON);
    assertThat(d.name()).isEqualTo("logging");
    assertThat(d.elasticsearchReplicas()).isEqualTo(2);
    assertThat(d.storage()).isEqualTo("40Gi");
    assertThat(d.storageClass()).isEqualTo("rook-ceph-block");
    assertThat(d.retentionDays()).isEqualTo(90);
    assertThat(d.domain()).isEmpty();
    assertThat(d.esImage()).isEqualTo("docker.elastic.co/elasticsearch/elasticsearch:8.15.3");
    assertThat(d.kibanaImage()).isEqualTo("docker.elastic.co/kibana/kibana:8.15.3");
    assertThat(d.fluentBitImage()).isEqualTo("cr.fluentbit.io/fluent/fluent-bit:3.1.9");
    assertThat(d.curatorImage()).isEqualTo("curlimages/curl:8.10.1");
    ComponentProvider provider = ServiceLoader.load(ComponentProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("logging")).findFirst().orElseThrow();
    assertThat(provider).isInstanceOf(LoggingProvider.class);
    assertThat(provider.kind()).isEqualTo(ComponentKind.ADDON);
    assertThat(provider.isDefaultFor(Clusters.ha())).isFalse();
  }

  @Test
  void settingsRoundTripThroughDescribeAndTheProviderWithoutPasswords() {
    Logging l = Logging.efk().elasticsearchReplicas(3).storage("100Gi").storageClass("fast-ssd").retentionDays(30)
        .domain("logs.example.org").users(BasicAuth.generated("admin", "ops"))
        .esImage("registry.local/es:8.15.3").kibanaImage("registry.local/kibana:8.15.3")
        .fluentBitImage("registry.local/fluent-bit:3.1.9").curatorImage("registry.local/curl:8.10.1");

    ComponentSpec spec = l.describe();
    assertThat(spec.name()).isEqualTo("logging");
    assertThat(spec.settings()).containsEntry("elasticsearchReplicas", "3").containsEntry("storage", "100Gi")
        .containsEntry("storageClass", "fast-ssd").containsEntry("retentionDays", "30").containsEntry("domain", "logs.example.org")
        .containsEntry("users", "admin,ops").containsEntry("esImage", "registry.local/es:8.15.3")
        .containsEntry("kibanaImage", "registry.local/kibana:8.15.3").containsEntry("fluentBitImage", "registry.local/fluent-bit:3.1.9")
        .containsEntry("curatorImage", "registry.local/curl:8.10.1").hasSize(10);
    assertThat(spec.settings().values()).noneMatch(v -> l.basicAuth().orElseThrow().generatedPasswords().containsValue(v));
    Logging back = (Logging) new LoggingProvider().create(spec);
    assertThat(back).isEqualTo(l);
    assertThat(back.describe()).isEqualTo(spec);
    assertThat(back.elasticsearchReplicas()).isEqualTo(3);
    assertThat(back.retentionDays()).isEqualTo(30);
    assertThat(back.validate(Clusters.ha())).isEmpty();
    assertThat(Logging.efk().describe().settings()).isEmpty();
    assertThat(new LoggingProvider().create(Logging.efk().describe())).isEqualTo(Logging.efk());
  }

  @Test
  void fluentSettersAreImmutableAndRejectBadValues() {
    Logging d = Logging.efk();
    Logging three = d.elasticsearchReplicas(3);
    assertThat(d.elasticsearchReplicas()).isEqualTo(2);
    assertThat(three.elasticsearchReplicas()).isEqualTo(3);
    // bad values are stored and reported together by validate (so build() lists every problem at once)
    assertThat(d.elasticsearchReplicas(0).storage("forty").retentionDays(0).domain("not a domain").storageClass("Bad_Class")
        .validate(Clusters.ha())).extracting(p -> p.field().replace("components[logging].settings.", ""))
        .containsExactlyInAnyOrder("elasticsearchReplicas", "storage", "retentionDays", "domain", "storageClass");
  }

  // ---- validate

  private static List<Problem> validate(Map<String, String> settings) {
    return new LoggingProvider().create(ComponentSpec.of("logging", settings)).validate(Clusters.ha());
  }

  @Test
  void validateReportsReplicasBelowOne() {
    assertThat(validate(Map.of("elasticsearchReplicas", "0"))).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("components[logging].settings.elasticsearchReplicas");
      assertThat(p.value()).isEqualTo("0");
    });
  }

  @Test
  void validateReportsStorageThatIsNotAQuantity() {
    assertThat(validate(Map.of("storage", "40 GB"))).singleElement()
        .satisfies(p -> assertThat(p.field()).isEqualTo("components[logging].settings.storage"));
  }

  @Test
  void validateReportsRetentionDaysBelowOne() {
    assertThat(validate(Map.of("retentionDays", "0"))).singleElement()
        .satisfies(p -> assertThat(p.field()).isEqualTo("components[logging].settings.retentionDays"));
  }

  @Test
  void validateReportsUnknownSettingsAndNonNumbers() {
    assertThat(validate(Map.of("retentionDays", "ninety", "curator", "x"))).extracting(Problem::field)
        .containsExactlyInAnyOrder("components[logging].settings.retentionDays", "components[logging].settings.curator");
  }

  @Test
  void validateReportsAWorkerDeclaringLessMemoryThanElasticsearchRequests() {
    List<Problem> problems = Logging.efk().validate(withWorkerMemory(4095));

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("hosts[worker2].memoryMib");
      assertThat(p.value()).isEqualTo("4095");
      assertThat(p.fix()).contains("8192", "double");
    });
    assertThat(Logging.efk().validate(withWorkerMemory(4096))).isEmpty();
    assertThat(Logging.efk().validate(Clusters.ha())).isEmpty();
  }

  @Test
  void workersWithEnoughForOnePodButUnder8GiGetAPlanNoteNotAProblem() {
    ClusterSpec spec = withWorkerMemory(4096);

    assertThat(Logging.efk().validate(spec)).isEmpty();
    assertThat(Plans.of(spec, Logging.efk()).notes()).singleElement().asString()
        .contains("worker2 (4096 MiB)", "8192");
    assertThat(Plans.of(withWorkerMemory(8192), Logging.efk()).notes()).isEmpty();
    assertThat(Plans.of(Clusters.ha(), Logging.efk()).notes()).isEmpty();
  }

  @Test
  void mastersAreNotCheckedForMemory() {
    ClusterSpec ha = Clusters.ha();
    ClusterSpec smallMaster = ClusterSpec.builder().from(ha).hosts(ha.hosts().stream()
        .map(h -> h.has(Role.MASTER) ? Host.builder().from(h).memoryMib(2048).build() : h).toList()).build();
    assertThat(Logging.efk().validate(smallMaster)).isEmpty();
  }
}
