package dev.kubesmith.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.SeedCluster;
import dev.kubesmith.plan.Secrets;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.NetworkPlan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.dataformat.yaml.YAMLMapper;

class KubeadmConfigTest {
  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  /** The YAML documents of a rendered file, by kind. */
  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> documents(String yaml) {
    List<Map<String, Object>> docs = YAML.readerFor(Map.class).<Map<String, Object>>readValues(yaml).readAll();
    Map<String, Map<String, Object>> byKind = new LinkedHashMap<>();
    for (Map<String, Object> d : docs) {
      assertThat(byKind.put((String) d.get("kind"), d)).as("two documents of kind %s", d.get("kind")).isNull();
    }
    return byKind;
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Map<String, Object> doc, String... path) {
    Object o = doc;
    for (String key : path) {
      assertThat(o).as("parent of %s", key).isInstanceOf(Map.class);
      o = ((Map<String, Object>) o).get(key);
    }
    return (T) o;
  }

  private static ClusterSpec ha(String version) {
    return SeedCluster.haBuilder().kubernetesVersion(version).build();
  }

  private static Host host(ClusterSpec spec, String name) {
    return spec.requireHost(name);
  }

  @Test
  void choosesTheKubeadmApiByKubernetesVersion() {
    assertThat(KubeadmConfig.apiVersion("1.34.2")).isEqualTo("kubeadm.k8s.io/v1beta4");
    assertThat(KubeadmConfig.apiVersion("1.31.0")).isEqualTo("kubeadm.k8s.io/v1beta4");
    assertThat(KubeadmConfig.apiVersion("1.30.5")).isEqualTo("kubeadm.k8s.io/v1beta3");
  }

  @Test
  void writesInitClusterAndKubeletDocumentsForV1beta4() {
    ClusterSpec spec = ha("1.34.2");

    Map<String, Map<String, Object>> docs = documents(KubeadmConfig.init(spec, host(spec, "master1")));

    assertThat(docs).containsOnlyKeys("InitConfiguration", "ClusterConfiguration", "KubeletConfiguration");
    assertThat(docs.get("InitConfiguration")).containsEntry("apiVersion", "kubeadm.k8s.io/v1beta4");
    assertThat(docs.get("ClusterConfiguration")).containsEntry("apiVersion", "kubeadm.k8s.io/v1beta4")
        .containsEntry("kubernetesVersion", "v1.34.2").containsEntry("clusterName", "clustera");
    assertThat(docs.get("KubeletConfiguration")).containsEntry("apiVersion", "kubelet.config.k8s.io/v1beta1")
        .containsEntry("cgroupDriver", "systemd");
  }

  @Test
  void advertisesTheFirstMastersPrivateIp() {
    ClusterSpec spec = ha("1.34.2");

    Map<String, Object> init = documents(KubeadmConfig.init(spec, host(spec, "master1"))).get("InitConfiguration");

    assertThat((Object) at(init, "localAPIEndpoint", "advertiseAddress")).isEqualTo("192.168.4.31");
    assertThat((Object) at(init, "localAPIEndpoint", "bindPort")).isEqualTo(6443);
    assertThat((Object) at(init, "nodeRegistration", "name")).isEqualTo("master1");
    assertThat((Object) at(init, "nodeRegistration", "criSocket")).isEqualTo("unix:///run/containerd/containerd.sock");
  }

  @Test
  void writesExtraArgsAsNameValueListsForV1beta4() {
    ClusterSpec spec = ha("1.34.2");

    Map<String, Map<String, Object>> docs = documents(KubeadmConfig.init(spec, host(spec, "master1")));

    assertThat((Object) at(docs.get("InitConfiguration"), "nodeRegistration", "kubeletExtraArgs"))
        .isEqualTo(List.of(Map.of("name", "node-ip", "value", "192.168.4.31")));
    assertThat((Object) at(docs.get("ClusterConfiguration"), "controllerManager", "extraArgs"))
        .isEqualTo(List.of(Map.of("name", "node-cidr-mask-size-ipv4", "value", "24")));
  }

  @Test
  void writesExtraArgsAsMapsForV1beta3() {
    ClusterSpec spec = ha("1.30.5");

    Map<String, Map<String, Object>> docs = documents(KubeadmConfig.init(spec, host(spec, "master1")));

    assertThat(docs.get("InitConfiguration")).containsEntry("apiVersion", "kubeadm.k8s.io/v1beta3");
    assertThat(docs.get("ClusterConfiguration")).containsEntry("kubernetesVersion", "v1.30.5");
    assertThat((Object) at(docs.get("InitConfiguration"), "nodeRegistration", "kubeletExtraArgs"))
        .isEqualTo(Map.of("node-ip", "192.168.4.31"));
    assertThat((Object) at(docs.get("ClusterConfiguration"), "controllerManager", "extraArgs"))
        .isEqualTo(Map.of("node-cidr-mask-size-ipv4", "24"));
  }

  /**
   * kubeadm's ValidatePodSubnetNodeMask with getClusterNodeMask (cmd/kubeadm/app/apis/kubeadm/validation):
   * the mask is node-cidr-mask-size-ipv4 from the controller-manager's extra args, else 24; the pod
   * subnet's prefix must not be longer than it, nor more than 16 bits shorter. Returns kubeadm's error or null.
   */
  private static String kubeadmPodSubnetError(Map<String, Object> clusterConfiguration) {
    List<Map<String, String>> args = at(clusterConfiguration, "controllerManager", "extraArgs");
    int nodeMask = args.stream().filter(a -> a.get("name").equals("node-cidr-mask-size-ipv4"))
        .map(a -> Integer.parseInt(a.get("value"))).findFirst().orElse(24);
    String podSubnet = at(clusterConfiguration, "networking", "podSubnet");
    int maskSize = Integer.parseInt(podSubnet.substring(podSubnet.indexOf('/') + 1));
    if (maskSize > nodeMask) {
      return "the size of pod subnet with mask " + maskSize + " is smaller than the size of node subnet with mask " + nodeMask;
    }
    return nodeMask - maskSize > 16 ? "pod subnet mask (" + maskSize + ") and node-mask (" + nodeMask + ") difference is greater than 16" : null;
  }

  @Test
  void rendersAPodSubnetNarrowerThanSlash24ThatKubeadmAccepts() {
    // A /25 pod CIDR with /28 per node: 8 node ranges for the seed's 5 nodes; valid for the validator.
    ClusterSpec spec = SeedCluster.haBuilder().network(NetworkPlan.builder().from(SeedCluster.network())
        .podCidr("10.0.0.0/25").nodeCidrMaskSize(28).build()).build();
    assertThat(dev.kubesmith.spec.SpecValidator.problems(spec)).isEmpty();

    Map<String, Map<String, Object>> docs = documents(KubeadmConfig.init(spec, host(spec, "master1")));

    assertThat(kubeadmPodSubnetError(docs.get("ClusterConfiguration"))).isNull();
  }

  @Test
  void pointsAnHaControlPlaneAtTheVip() {
    ClusterSpec spec = ha("1.34.2");

    Map<String, Object> cluster = documents(KubeadmConfig.init(spec, host(spec, "master1"))).get("ClusterConfiguration");

    assertThat(cluster).containsEntry("controlPlaneEndpoint", "192.168.4.130:6443");
    assertThat(KubeadmConfig.controlPlaneEndpoint(spec)).isEqualTo("192.168.4.130:6443");
  }

  @Test
  void pointsASingleMasterControlPlaneAtTheMaster() {
    ClusterSpec spec = SeedCluster.singleMaster();

    Map<String, Object> cluster = documents(KubeadmConfig.init(spec, host(spec, "master1"))).get("ClusterConfiguration");

    assertThat(cluster).containsEntry("controlPlaneEndpoint", "192.168.4.31:6443");
  }

  @Test
  void setsThePodAndServiceSubnetsOfThePlan() {
    ClusterSpec spec = SeedCluster.haBuilder().network(NetworkPlan.builder().from(SeedCluster.network())
        .podCidr("10.244.0.0/16").serviceCidr("10.112.0.0/12").dnsDomain("clustera.local").build()).build();

    Map<String, Object> cluster = documents(KubeadmConfig.init(spec, host(spec, "master1"))).get("ClusterConfiguration");

    assertThat((Map<String, Object>) at(cluster, "networking")).containsEntry("podSubnet", "10.244.0.0/16")
        .containsEntry("serviceSubnet", "10.112.0.0/12").containsEntry("dnsDomain", "clustera.local");
  }

  @Test
  void namesBothVipsAndEveryMasterInTheCertificate() {
    ClusterSpec spec = ha("1.34.2");

    Map<String, Object> cluster = documents(KubeadmConfig.init(spec, host(spec, "master1"))).get("ClusterConfiguration");

    List<String> sans = at(cluster, "apiServer", "certSANs");
    assertThat(sans).contains("192.168.4.130", "203.0.113.130", "master1", "192.168.4.31", "master2", "192.168.4.32",
        "master3", "192.168.4.33").doesNotHaveDuplicates();
    assertThat(sans).as("the operator's SSH forward on 127.0.0.1 must match the certificate").contains("127.0.0.1");
  }

  @Test
  void joinsAWorkerWithPlaceholdersAndWithoutAControlPlaneSection() {
    ClusterSpec spec = ha("1.34.2");

    String yaml = KubeadmConfig.join(spec, host(spec, "worker1"));
    Map<String, Map<String, Object>> docs = documents(yaml);

    assertThat(docs).containsOnlyKeys("JoinConfiguration");
    Map<String, Object> join = docs.get("JoinConfiguration");
    assertThat(join).containsEntry("apiVersion", "kubeadm.k8s.io/v1beta4").doesNotContainKey("controlPlane");
    assertThat((Object) at(join, "discovery", "bootstrapToken", "apiServerEndpoint")).isEqualTo("192.168.4.130:6443");
    assertThat((Object) at(join, "discovery", "bootstrapToken", "token")).isEqualTo("{{secret:join-token}}");
    assertThat((Object) at(join, "discovery", "bootstrapToken", "caCertHashes")).isEqualTo(List.of("{{secret:ca-cert-hash}}"));
    assertThat((Object) at(join, "nodeRegistration", "name")).isEqualTo("worker1");
    assertThat(Secrets.referencedIn(yaml)).containsExactly("ca-cert-hash", "join-token");
  }

  @Test
  void joinsAMasterWithItsControlPlaneSection() {
    ClusterSpec spec = ha("1.34.2");

    Map<String, Object> join = documents(KubeadmConfig.join(spec, host(spec, "master2"))).get("JoinConfiguration");

    assertThat((Object) at(join, "controlPlane", "localAPIEndpoint", "advertiseAddress")).isEqualTo("192.168.4.32");
    assertThat((Object) at(join, "controlPlane", "certificateKey")).isEqualTo("{{secret:certificate-key}}");
    assertThat((Object) at(join, "nodeRegistration", "kubeletExtraArgs"))
        .isEqualTo(List.of(Map.of("name", "node-ip", "value", "192.168.4.32")));
  }

  @Test
  void joinsThroughTheMasterInASingleMasterClusterWithV1beta3() {
    ClusterSpec spec = SeedCluster.singleMasterBuilder().kubernetesVersion("1.30.5").build();

    Map<String, Object> join = documents(KubeadmConfig.join(spec, host(spec, "worker2"))).get("JoinConfiguration");

    assertThat(join).containsEntry("apiVersion", "kubeadm.k8s.io/v1beta3");
    assertThat((Object) at(join, "discovery", "bootstrapToken", "apiServerEndpoint")).isEqualTo("192.168.4.31:6443");
    assertThat((Object) at(join, "nodeRegistration", "kubeletExtraArgs")).isEqualTo(Map.of("node-ip", "192.168.4.42"));
  }

  @Test
  void taintsMastersButNotWorkersNorAMasterThatIsAlsoAWorker() {
    ClusterSpec spec = ha("1.34.2");
    Map<String, Object> reg = at(documents(KubeadmConfig.init(spec, host(spec, "master1"))).get("InitConfiguration"),
        "nodeRegistration");
    assertThat(reg.get("taints")).isEqualTo(List.of(Map.of("key", "node-role.kubernetes.io/control-plane",
        "effect", "NoSchedule")));
    Map<String, Object> worker = at(documents(KubeadmConfig.join(spec, host(spec, "worker1"))).get("JoinConfiguration"),
        "nodeRegistration");
    assertThat(worker.get("taints")).isEqualTo(List.of());
    ClusterSpec mixed = ClusterSpec.builder().from(spec).hosts(SeedCluster.changed(spec.hosts(), "master2",
        h -> Host.builder().from(h).addRoles(dev.kubesmith.spec.Role.WORKER).build())).build();
    assertThat(KubeadmConfig.taints(mixed, host(mixed, "master2"))).isEmpty();
  }

  @Test
  void leavesASingleMasterWithoutWorkersSchedulable() {
    ClusterSpec lonely = ClusterSpec.builder().from(SeedCluster.singleMaster()).hosts(SeedCluster.singleMaster().hosts()
        .stream().filter(h -> !h.has(dev.kubesmith.spec.Role.WORKER)).toList()).build();
    assertThat(KubeadmConfig.taints(lonely, lonely.masters().get(0))).isEmpty();
    ClusterSpec withWorkers = SeedCluster.singleMaster();
    assertThat(KubeadmConfig.taints(withWorkers, withWorkers.masters().get(0))).hasSize(1);
  }
}
