package dev.kubesmith.testkit.internal.kubeadm;

import static dev.kubesmith.testkit.internal.kubeadm.GoType.BOOL;
import static dev.kubesmith.testkit.internal.kubeadm.GoType.INT32;
import static dev.kubesmith.testkit.internal.kubeadm.GoType.STRING;
import static dev.kubesmith.testkit.internal.kubeadm.GoType.mapOf;
import static dev.kubesmith.testkit.internal.kubeadm.GoType.sliceOf;

import dev.kubesmith.testkit.internal.kubeadm.GoType.Struct;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON schema of the kubeadm configuration types as kubeadm 1.34 registers them, field by field
 * from cmd/kubeadm/app/apis/kubeadm/v1beta4/types.go and v1beta3/types.go (with
 * bootstraptoken/v1 and the core/v1 Taint and EnvVar they use). The component configs kubeadm
 * reads beside them (kubelet.config.k8s.io/v1beta1 KubeletConfiguration, kubeproxy.config.k8s.io/
 * v1alpha1 KubeProxyConfiguration) are open: only the types of the fields listed are checked, as the
 * stand-in does not hold their whole schema.
 */
final class KubeadmTypes {
  static final String GROUP = "kubeadm.k8s.io";
  static final String KUBELET_GROUP = "kubelet.config.k8s.io";
  static final String KUBE_PROXY_GROUP = "kubeproxy.config.k8s.io";

  private static final Map<String, Map<String, Struct>> KUBEADM = Map.of(
      "v1beta4", v1beta4(), "v1beta3", v1beta3());
  private static final Struct KUBELET = typeMeta(new Struct("v1beta1", "KubeletConfiguration", false))
      .field("cgroupDriver", STRING).field("clusterDNS", sliceOf(STRING)).field("clusterDomain", STRING)
      .field("containerRuntimeEndpoint", STRING).field("failSwapOn", BOOL).field("maxPods", INT32)
      .field("rotateCertificates", BOOL).field("serverTLSBootstrap", BOOL).field("staticPodPath", STRING);
  private static final Struct KUBE_PROXY = typeMeta(new Struct("v1alpha1", "KubeProxyConfiguration", false))
      .field("mode", GoType.string("v1alpha1.ProxyMode")).field("clusterCIDR", STRING);

  private KubeadmTypes() {}

  /** The type registered for a GVK in kubeadm's scheme (kubeadm.k8s.io) or its componentconfigs scheme. */
  static Optional<Struct> lookup(Gvk gvk) {
    if (gvk.group().equals(GROUP)) {
      return Optional.ofNullable(KUBEADM.getOrDefault(gvk.version(), Map.of()).get(gvk.kind()));
    }
    if (gvk.group().equals(KUBELET_GROUP) && gvk.version().equals("v1beta1") && gvk.kind().equals("KubeletConfiguration")) {
      return Optional.of(KUBELET);
    }
    if (gvk.group().equals(KUBE_PROXY_GROUP) && gvk.version().equals("v1alpha1") && gvk.kind().equals("KubeProxyConfiguration")) {
      return Optional.of(KUBE_PROXY);
    }
    return Optional.empty();
  }

  /** Only the kubeadm scheme (what documentMapToJoinConfiguration verifies a JoinConfiguration against). */
  static Optional<Struct> lookupKubeadm(Gvk gvk) {
    return gvk.group().equals(GROUP) ? lookup(gvk) : Optional.empty();
  }

  private static Struct typeMeta(Struct s) {
    return s.field("apiVersion", STRING).field("kind", STRING);
  }

  private static GoType duration() {
    return new GoType.StringUnmarshaler("v1.Duration", true);
  }

  // core/v1 and bootstraptoken/v1, shared by both versions
  private static Struct taint() {
    return new Struct("v1", "Taint").field("key", STRING).field("value", STRING)
        .field("effect", GoType.string("v1.TaintEffect")).field("timeAdded", new GoType.StringUnmarshaler("v1.Time", false));
  }

  private static Struct bootstrapToken() {
    return new Struct("v1", "BootstrapToken").field("token", new GoType.StringUnmarshaler("v1.BootstrapTokenString", false))
        .field("description", STRING).field("ttl", duration()).field("expires", new GoType.StringUnmarshaler("v1.Time", false))
        .field("usages", sliceOf(STRING)).field("groups", sliceOf(STRING));
  }

  private static Struct hostPathMount(String pkg) {
    return new Struct(pkg, "HostPathMount").field("name", STRING).field("hostPath", STRING).field("mountPath", STRING)
        .field("readOnly", BOOL).field("pathType", GoType.string("v1.HostPathType"));
  }

  private static Struct imageMeta(String pkg) {
    return new Struct(pkg, "ImageMeta").field("imageRepository", STRING).field("imageTag", STRING);
  }

  private static Struct apiEndpoint(String pkg) {
    return new Struct(pkg, "APIEndpoint").field("advertiseAddress", STRING).field("bindPort", INT32);
  }

  private static Struct discovery(String pkg) {
    Struct token = new Struct(pkg, "BootstrapTokenDiscovery").field("token", STRING).field("apiServerEndpoint", STRING)
        .field("caCertHashes", sliceOf(STRING)).field("unsafeSkipCAVerification", BOOL);
    return new Struct(pkg, "Discovery").field("bootstrapToken", token)
        .field("file", new Struct(pkg, "FileDiscovery").field("kubeConfigPath", STRING)).field("tlsBootstrapToken", STRING);
  }

  private static Map<String, Struct> v1beta4() {
    String p = "v1beta4";
    GoType args = sliceOf(new Struct(p, "Arg").field("name", STRING).field("value", STRING));
    GoType envs = sliceOf(new Struct(p, "EnvVar").field("name", STRING).field("value", STRING)
        .field("valueFrom", new GoType.Any("v1.EnvVarSource")));
    Struct component = new Struct(p, "ControlPlaneComponent").field("extraArgs", args)
        .field("extraVolumes", sliceOf(hostPathMount(p))).field("extraEnvs", envs);
    Struct nodeRegistration = new Struct(p, "NodeRegistrationOptions").field("name", STRING).field("criSocket", STRING)
        .field("taints", sliceOf(taint())).field("kubeletExtraArgs", args).field("ignorePreflightErrors", sliceOf(STRING))
        .field("imagePullPolicy", GoType.string("v1.PullPolicy")).field("imagePullSerial", BOOL);
    Struct timeouts = new Struct(p, "Timeouts");
    for (String t : new String[] {"controlPlaneComponentHealthCheck", "kubeletHealthCheck", "kubernetesAPICall",
        "etcdAPICall", "tlsBootstrap", "discovery", "upgradeManifests"}) {
      timeouts.field(t, duration());
    }
    Struct patches = new Struct(p, "Patches").field("directory", STRING);
    Struct localEtcd = new Struct(p, "LocalEtcd").inline(imageMeta(p)).field("dataDir", STRING).field("extraArgs", args)
        .field("extraEnvs", envs).field("serverCertSANs", sliceOf(STRING)).field("peerCertSANs", sliceOf(STRING));
    Struct init = typeMeta(new Struct(p, "InitConfiguration")).field("bootstrapTokens", sliceOf(bootstrapToken()))
        .field("dryRun", BOOL).field("nodeRegistration", nodeRegistration).field("localAPIEndpoint", apiEndpoint(p))
        .field("certificateKey", STRING).field("skipPhases", sliceOf(STRING)).field("patches", patches).field("timeouts", timeouts);
    Struct cluster = typeMeta(new Struct(p, "ClusterConfiguration"))
        .field("etcd", new Struct(p, "Etcd").field("local", localEtcd).field("external", externalEtcd(p)))
        .field("networking", networking(p)).field("kubernetesVersion", STRING).field("controlPlaneEndpoint", STRING)
        .field("apiServer", new Struct(p, "APIServer").inline(component).field("certSANs", sliceOf(STRING)))
        .field("controllerManager", component).field("scheduler", component)
        .field("dns", new Struct(p, "DNS").inline(imageMeta(p)).field("disabled", BOOL))
        .field("proxy", new Struct(p, "Proxy").field("disabled", BOOL))
        .field("certificatesDir", STRING).field("imageRepository", STRING).field("featureGates", mapOf(BOOL))
        .field("clusterName", STRING).field("encryptionAlgorithm", GoType.string(p + ".EncryptionAlgorithmType"))
        .field("certificateValidityPeriod", duration()).field("caCertificateValidityPeriod", duration());
    Struct join = typeMeta(new Struct(p, "JoinConfiguration")).field("dryRun", BOOL).field("nodeRegistration", nodeRegistration)
        .field("caCertPath", STRING).field("discovery", discovery(p))
        .field("controlPlane", new Struct(p, "JoinControlPlane").field("localAPIEndpoint", apiEndpoint(p)).field("certificateKey", STRING))
        .field("skipPhases", sliceOf(STRING)).field("patches", patches).field("timeouts", timeouts);
    // registered in v1beta4 too; the stand-in reads neither, so their fields are not checked
    return Map.of("InitConfiguration", init, "ClusterConfiguration", cluster, "JoinConfiguration", join,
        "ResetConfiguration", typeMeta(new Struct(p, "ResetConfiguration", false)),
        "UpgradeConfiguration", typeMeta(new Struct(p, "UpgradeConfiguration", false)));
  }

  private static Map<String, Struct> v1beta3() {
    String p = "v1beta3";
    GoType args = mapOf(STRING);
    Struct component = new Struct(p, "ControlPlaneComponent").field("extraArgs", args).field("extraVolumes", sliceOf(hostPathMount(p)));
    Struct nodeRegistration = new Struct(p, "NodeRegistrationOptions").field("name", STRING).field("criSocket", STRING)
        .field("taints", sliceOf(taint())).field("kubeletExtraArgs", args).field("ignorePreflightErrors", sliceOf(STRING))
        .field("imagePullPolicy", GoType.string("v1.PullPolicy"));
    Struct patches = new Struct(p, "Patches").field("directory", STRING);
    Struct localEtcd = new Struct(p, "LocalEtcd").inline(imageMeta(p)).field("dataDir", STRING).field("extraArgs", args)
        .field("serverCertSANs", sliceOf(STRING)).field("peerCertSANs", sliceOf(STRING));
    Struct init = typeMeta(new Struct(p, "InitConfiguration")).field("bootstrapTokens", sliceOf(bootstrapToken()))
        .field("nodeRegistration", nodeRegistration).field("localAPIEndpoint", apiEndpoint(p))
        .field("certificateKey", STRING).field("skipPhases", sliceOf(STRING)).field("patches", patches);
    Struct cluster = typeMeta(new Struct(p, "ClusterConfiguration"))
        .field("etcd", new Struct(p, "Etcd").field("local", localEtcd).field("external", externalEtcd(p)))
        .field("networking", networking(p)).field("kubernetesVersion", STRING).field("controlPlaneEndpoint", STRING)
        .field("apiServer", new Struct(p, "APIServer").inline(component).field("certSANs", sliceOf(STRING))
            .field("timeoutForControlPlane", duration()))
        .field("controllerManager", component).field("scheduler", component)
        .field("dns", new Struct(p, "DNS").inline(imageMeta(p)))
        .field("certificatesDir", STRING).field("imageRepository", STRING).field("featureGates", mapOf(BOOL))
        .field("clusterName", STRING);
    Struct discovery = discovery(p).field("timeout", duration());
    Struct join = typeMeta(new Struct(p, "JoinConfiguration")).field("nodeRegistration", nodeRegistration)
        .field("caCertPath", STRING).field("discovery", discovery)
        .field("controlPlane", new Struct(p, "JoinControlPlane").field("localAPIEndpoint", apiEndpoint(p)).field("certificateKey", STRING))
        .field("skipPhases", sliceOf(STRING)).field("patches", patches);
    return Map.of("InitConfiguration", init, "ClusterConfiguration", cluster, "JoinConfiguration", join);
  }

  private static Struct externalEtcd(String pkg) {
    return new Struct(pkg, "ExternalEtcd").field("endpoints", sliceOf(STRING)).field("caFile", STRING)
        .field("certFile", STRING).field("keyFile", STRING);
  }

  private static Struct networking(String pkg) {
    return new Struct(pkg, "Networking").field("serviceSubnet", STRING).field("podSubnet", STRING).field("dnsDomain", STRING);
  }
}
