package dev.kubesmith.addons.ingress;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * The Kubernetes objects that run Traefik, built with fabric8's typed builders: namespace
 * {@value #NAMESPACE}, its ServiceAccount, the cluster-wide RBAC of the kubernetesCRD and
 * kubernetesIngress providers, the IngressClass {@value #INGRESS_CLASS}, and a DaemonSet listening on
 * host ports 80 and 443.
 *
 * <pre>{@code
 * DaemonSet ds = TraefikManifests.daemonSet(Traefik.DEFAULT_IMAGE, List.of("worker1", "worker2"));
 * String yaml = TraefikManifests.toYaml(List.of(TraefikManifests.namespace(), ds));
 * }</pre>
 */
public final class TraefikManifests {
  public static final String NAMESPACE = "traefik";
  public static final String NAME = "traefik";
  public static final String INGRESS_CLASS = "traefik";
  public static final String CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane";
  /** Set by the kubelet to the node name, which kubesmith makes the inventory's host name. */
  public static final String HOSTNAME_LABEL = "kubernetes.io/hostname";
  public static final int WEB_PORT = 80;
  public static final int WEBSECURE_PORT = 443;
  /** Traefik's own entry point for /ping; not a host port. */
  public static final int PING_PORT = 8080;

  private static final Map<String, String> SELECTOR = Map.of("app.kubernetes.io/name", NAME);
  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
      .enable(YAMLWriteFeature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .build();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private TraefikManifests() {}

  public static Namespace namespace() {
    return new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build();
  }

  public static ServiceAccount serviceAccount() {
    return new ServiceAccountBuilder().withNewMetadata().withName(NAME).withNamespace(NAMESPACE).endMetadata().build();
  }

  /** What Traefik's kubernetesCRD and kubernetesIngress providers read and update, cluster-wide. */
  public static ClusterRole clusterRole() {
    return new ClusterRoleBuilder()
        .withNewMetadata().withName(NAME).endMetadata()
        .withRules(
            rule(List.of(""), List.of("services", "secrets", "nodes"), "get", "list", "watch"),
            rule(List.of("discovery.k8s.io"), List.of("endpointslices"), "list", "watch"),
            rule(List.of("extensions", "networking.k8s.io"), List.of("ingresses", "ingressclasses"), "get", "list", "watch"),
            rule(List.of("extensions", "networking.k8s.io"), List.of("ingresses/status"), "update"),
            rule(List.of("traefik.io"), List.of("ingressroutes", "ingressroutetcps", "ingressrouteudps", "middlewares",
                "middlewaretcps", "serverstransports", "serverstransporttcps", "tlsoptions", "tlsstores", "traefikservices"),
                "get", "list", "watch"))
        .build();
  }

  public static ClusterRoleBinding clusterRoleBinding() {
    return new ClusterRoleBindingBuilder()
        .withNewMetadata().withName(NAME).endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(NAME).endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName(NAME).withNamespace(NAMESPACE).endSubject()
        .build();
  }

  /** The default IngressClass, so plain Ingress objects without a class are served by Traefik. */
  public static IngressClass ingressClass() {
    return new IngressClassBuilder()
        .withNewMetadata().withName(INGRESS_CLASS)
        .addToAnnotations("ingressclass.kubernetes.io/is-default-class", "true").endMetadata()
        .withNewSpec().withController("traefik.io/ingress-controller").endSpec()
        .build();
  }

  /**
   * One Traefik per node, entry points {@code web} on host port 80 and {@code websecure} on 443: on
   * every master (control-plane label) when {@code nodes} is empty, else on the named hosts (required
   * node affinity on {@code kubernetes.io/hostname}). The control-plane NoSchedule taint is tolerated
   * either way, so masters may be named too.
   */
  public static DaemonSet daemonSet(String image, List<String> nodes) {
    List<Toleration> tolerations =
        List.of(new TolerationBuilder().withKey(CONTROL_PLANE_LABEL).withOperator("Exists").withEffect("NoSchedule").build());
    Map<String, String> nodeSelector = nodes.isEmpty() ? Map.of(CONTROL_PLANE_LABEL, "") : Map.of();
    Affinity affinity = nodes.isEmpty() ? null : new AffinityBuilder().withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addNewNodeSelectorTerm().addNewMatchExpression().withKey(HOSTNAME_LABEL).withOperator("In")
        .withValues(nodes).endMatchExpression().endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build();
    return new DaemonSetBuilder()
        .withNewMetadata().withName(NAME).withNamespace(NAMESPACE).withLabels(SELECTOR).endMetadata()
        .withNewSpec()
        .withNewSelector().withMatchLabels(SELECTOR).endSelector()
        // host ports cannot surge: the old pod must free 80/443 before the new one starts
        .withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate()
        .withMaxUnavailable(new IntOrString(1)).endRollingUpdate().endUpdateStrategy()
        .withNewTemplate()
        .withNewMetadata().withLabels(SELECTOR).endMetadata()
        .withNewSpec()
        .withServiceAccountName(NAME)
        .withNodeSelector(nodeSelector.isEmpty() ? null : nodeSelector)
        .withAffinity(affinity)
        .withTolerations(tolerations)
        .withTerminationGracePeriodSeconds(60L)
        .withContainers(container(image))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Container container(String image) {
    return new ContainerBuilder()
        .withName(NAME)
        .withImage(image)
        .withArgs(
            "--entryPoints.web.address=:" + WEB_PORT,
            "--entryPoints.websecure.address=:" + WEBSECURE_PORT,
            "--entryPoints.websecure.http.tls=true",
            "--entryPoints.traefik.address=:" + PING_PORT,
            "--ping=true",
            "--providers.kubernetescrd",
            "--providers.kubernetesingress",
            "--providers.kubernetesingress.ingressclass=" + INGRESS_CLASS,
            "--log.level=INFO")
        .addNewPort().withName("web").withContainerPort(WEB_PORT).withHostPort(WEB_PORT).withProtocol("TCP").endPort()
        .addNewPort().withName("websecure").withContainerPort(WEBSECURE_PORT).withHostPort(WEBSECURE_PORT)
        .withProtocol("TCP").endPort()
        .addNewPort().withName("traefik").withContainerPort(PING_PORT).withProtocol("TCP").endPort()
        .withNewReadinessProbe().withNewHttpGet().withPath("/ping").withPort(new IntOrString(PING_PORT)).endHttpGet()
        .withPeriodSeconds(10).withFailureThreshold(3).endReadinessProbe()
        .withNewLivenessProbe().withNewHttpGet().withPath("/ping").withPort(new IntOrString(PING_PORT)).endHttpGet()
        .withInitialDelaySeconds(10).withPeriodSeconds(10).endLivenessProbe()
        .withNewSecurityContext()
        .withNewCapabilities().withDrop("ALL").withAdd("NET_BIND_SERVICE").endCapabilities()
        .withReadOnlyRootFilesystem(true).withAllowPrivilegeEscalation(false)
        .endSecurityContext()
        .build();
  }

  private static PolicyRule rule(List<String> apiGroups, List<String> resources, String... verbs) {
    return new PolicyRuleBuilder().withApiGroups(apiGroups).withResources(resources).withVerbs(verbs).build();
  }

  /** Multi-document YAML of fabric8 model objects or plain maps, each starting with {@code ---}. */
  public static String toYaml(List<?> objects) {
    StringBuilder b = new StringBuilder();
    objects.forEach(o -> b.append(YAML.writeValueAsString(o instanceof Map<?, ?> ? o : asMap(o))));
    return b.toString();
  }

  /** The YAML documents of a manifest as maps and lists, leaving out empty documents. */
  public static List<Object> documents(String yaml) {
    try {
      return YAML.readerFor(Object.class).readValues(yaml).readAll().stream().filter(Objects::nonNull).toList();
    } catch (JacksonException e) {
      throw new IllegalArgumentException("a Traefik manifest is not valid YAML: " + e.getOriginalMessage(), e);
    }
  }

  /** A fabric8 model object as plain maps, so it is written with the same YAML settings as the rest. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object model) {
    return (Map<String, Object>) JSON.readValue(Serialization.asJson(model), Map.class);
  }
}
