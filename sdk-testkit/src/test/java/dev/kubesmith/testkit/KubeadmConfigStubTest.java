package dev.kubesmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.bootstrap.KubeadmConfig;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.NetworkPlan;
import dev.kubesmith.spec.Role;
import dev.kubesmith.spec.Topology;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sandbox's kubeadm reads {@code --config} as kubeadm 1.34 does (cmd/kubeadm/app/util/config):
 * for init and join an unknown field is only a warning (VerifyUnmarshalStrict's error is logged),
 * a value of the wrong type is refused by the decoding, nothing written; {@code config validate} is strict.
 */
class KubeadmConfigStubTest {
  @RegisterExtension
  static final SandboxExtension SANDBOX = SandboxExtension.of(Sandbox.builder()
      .host("bastion", "198.18.4.10", Role.BASTION)
      .host("master1", "198.18.4.31", Role.MASTER)
      .host("master2", "198.18.4.32", Role.MASTER)
      .host("worker1", "198.18.4.41", Role.WORKER));

  private static final String CONFIG = "/root/kubeadm.yaml";
  private static final String KEY = "0123456789abcdef".repeat(4);
  private static final String WARNING_LINE = "(?m)^W\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{6} +\\d+ ";

  @BeforeEach
  void installKubeadm() {
    for (String h : List.of("master1", "master2", "worker1")) {
      SANDBOX.host(h).exec("apt-get", "install", "-y", "kubeadm=1.34.2-*", "kubelet=1.34.2-*").requireSuccess();
      SANDBOX.host(h).exec("sysctl", "-w", "net.ipv4.ip_forward=1").requireSuccess();
    }
  }

  @AfterEach
  void reset() {
    for (String h : List.of("master1", "master2", "worker1")) {
      SANDBOX.host(h).exec("kubeadm", "reset", "-f");
    }
  }

  @Test
  void theSdksInitConfigurationForKubernetes134PassesWithoutAWarning() {
    SandboxHost master = SANDBOX.host("master1");
    master.writeFile(CONFIG, KubeadmConfig.init(spec("1.34.2"), host("master1")));

    ExecResult init = master.exec("kubeadm", "init", "--config", CONFIG);

    assertThat(KubeadmConfig.init(spec("1.34.2"), host("master1"))).contains("apiVersion: kubeadm.k8s.io/v1beta4");
    assertThat(init.exitCode()).as(init.stderr()).isZero();
    assertThat(init.stderr()).doesNotContainPattern(WARNING_LINE);
    assertThat(master.exec("test", "-f", "/etc/kubernetes/admin.conf").exitCode()).isZero();
    assertThat(master.readFile("/etc/kubernetes/admin.conf")).contains("server: https://198.18.4.31:6443");
  }

  @Test
  void theSdksJoinConfigurationsForAWorkerAndAMasterPassWithoutAWarning() {
    for (String name : List.of("worker1", "master2")) {
      SandboxHost node = SANDBOX.host(name);
      node.writeFile(CONFIG, filled(KubeadmConfig.join(spec("1.34.2"), host(name))));

      ExecResult join = node.exec("kubeadm", "join", "--config", CONFIG);

      assertThat(join.exitCode()).as(name + ": " + join.stderr()).isZero();
      assertThat(join.stderr()).as(name).doesNotContainPattern(WARNING_LINE);
      assertThat(node.exec("test", "-f", "/etc/kubernetes/kubelet.conf").exitCode()).as(name).isZero();
    }
    assertThat(SANDBOX.host("master2").exec("test", "-f", "/etc/kubernetes/manifests/etcd.yaml").exitCode())
        .as("the master joined as a control plane").isZero();
  }

  @Test
  void anUnknownFieldIsOnlyAWarningAndInitStillRuns() {
    SandboxHost master = SANDBOX.host("master1");
    master.writeFile(CONFIG, KubeadmConfig.init(spec("1.34.2"), host("master1"))
        .replace("  name: master1\n", "  name: master1\n  nodeLabels: x\n"));

    ExecResult init = master.exec("kubeadm", "init", "--config", CONFIG);

    assertThat(init.exitCode()).as(init.stderr()).isZero();
    assertThat(init.stderr()).containsPattern(WARNING_LINE + "initconfiguration.go:333] error unmarshaling configuration"
        + " schema.GroupVersionKind\\{Group:\"kubeadm.k8s.io\", Version:\"v1beta4\", Kind:\"InitConfiguration\"\\}:"
        + " strict decoding error: unknown field \"nodeRegistration.nodeLabels\"\n");
    assertThat(master.exec("test", "-f", "/etc/kubernetes/admin.conf").exitCode()).isZero();
  }

  @Test
  void aMapWhereV1beta4WantsANameValueListAndATaintGivenAsAStringAreRefusedWritingNothing() {
    SandboxHost master = SANDBOX.host("master1");
    String config = KubeadmConfig.init(spec("1.34.2"), host("master1"));
    String mapArgs = config.replace("  kubeletExtraArgs:\n  - name: node-ip\n    value: 198.18.4.31\n",
        "  kubeletExtraArgs:\n    node-ip: 198.18.4.31\n");
    String stringTaint = config.replace("  taints:\n  - key: node-role.kubernetes.io/control-plane\n    effect: NoSchedule\n",
        "  taints: node-role.kubernetes.io/control-plane:NoSchedule\n");
    assertThat(List.of(mapArgs, stringTaint)).doesNotContain(config);

    master.writeFile(CONFIG, mapArgs);
    ExecResult map = master.exec("kubeadm", "init", "--config", CONFIG);
    master.writeFile(CONFIG, stringTaint);
    ExecResult taint = master.exec("kubeadm", "init", "--config", CONFIG);

    assertThat(map.exitCode()).isEqualTo(1);
    assertThat(map.stderr()).contains("\njson: cannot unmarshal object into Go struct field"
        + " NodeRegistrationOptions.nodeRegistration.kubeletExtraArgs of type []v1beta4.Arg\n"
        + "To see the stack trace of this error execute with --v=5 or higher\n");
    assertThat(taint.exitCode()).isEqualTo(1);
    assertThat(taint.stderr()).contains("\njson: cannot unmarshal string into Go struct field"
        + " NodeRegistrationOptions.nodeRegistration.taints of type []v1.Taint\n");
    assertThat(master.exec("sh", "-c", "find /etc/kubernetes /var/lib/kubelet /var/lib/etcd -type f 2>/dev/null").stdout())
        .as("nothing written").isEmpty();
    assertThat(master.calls("kubeadm")).extracting(Call::exitCode).contains(1);
  }

  @Test
  void anUnknownKindIsIgnoredWithAWarningButNoInitConfigurationLeftIsRefused() {
    SandboxHost master = SANDBOX.host("master1");
    String config = KubeadmConfig.init(spec("1.34.2"), host("master1"));

    master.writeFile(CONFIG, config + "---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: NodeConfiguration\n");
    ExecResult extra = master.exec("kubeadm", "init", "--config", CONFIG);
    master.exec("kubeadm", "reset", "-f").requireSuccess();
    master.writeFile(CONFIG, config.replace("kind: InitConfiguration", "kind: InitConfig")
        .replace("kind: ClusterConfiguration", "kind: ClusterConfig"));
    ExecResult misspelt = master.exec("kubeadm", "init", "--config", CONFIG);
    master.writeFile(CONFIG, config.replace("kubeadm.k8s.io/v1beta4", "kubeadm.k8s.io/v1beta5"));
    ExecResult version = master.exec("kubeadm", "init", "--config", CONFIG);

    assertThat(extra.exitCode()).as(extra.stderr()).isZero();
    assertThat(extra.stderr()).contains("] unknown configuration schema.GroupVersionKind{Group:\"kubeadm.k8s.io\","
        + " Version:\"v1beta4\", Kind:\"NodeConfiguration\"}\n", "] [config] WARNING: Ignored configuration document with"
        + " GroupVersionKind kubeadm.k8s.io/v1beta4, Kind=NodeConfiguration\n");
    assertThat(misspelt.exitCode()).isEqualTo(1);
    assertThat(misspelt.stderr()).contains("\nno InitConfiguration or ClusterConfiguration kind was found in the configuration file\n");
    assertThat(version.exitCode()).isEqualTo(1);
    assertThat(version.stderr()).contains("\nno kind \"ClusterConfiguration\" is registered for version \"kubeadm.k8s.io/v1beta5\"");
    assertThat(master.exec("test", "-e", "/etc/kubernetes/pki").exitCode()).as("nothing written").isNotZero();
  }

  @Test
  void kubeadm134WarnsThatV1beta3IsDeprecatedAndRefusesV1beta2() {
    SandboxHost master = SANDBOX.host("master1");
    String v1beta3 = KubeadmConfig.init(spec("1.30.4"), host("master1")).replace("v1.30.4", "v1.34.2");
    assertThat(v1beta3).contains("apiVersion: kubeadm.k8s.io/v1beta3");

    master.writeFile(CONFIG, v1beta3.replace("kubeadm.k8s.io/v1beta3", "kubeadm.k8s.io/v1beta2"));
    ExecResult old = master.exec("kubeadm", "init", "--config", CONFIG);
    master.writeFile(CONFIG, v1beta3);
    ExecResult deprecated = master.exec("kubeadm", "init", "--config", CONFIG);

    assertThat(old.exitCode()).isEqualTo(1);
    assertThat(old.stderr()).contains("your configuration file uses an old API spec: \"kubeadm.k8s.io/v1beta2\" (kind:"
        + " \"ClusterConfiguration\"). Please use kubeadm v1.22 instead");
    assertThat(deprecated.exitCode()).as(deprecated.stderr()).isZero();
    assertThat(deprecated.stderr()).contains("common.go:100] your configuration file uses a deprecated API spec:"
        + " \"kubeadm.k8s.io/v1beta3\" (kind: \"InitConfiguration\")");
  }

  @Test
  void aJoinConfigurationWithoutDiscoveryFailsValidationWritingNothing() {
    SandboxHost worker = SANDBOX.host("worker1");
    worker.writeFile(CONFIG, "apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\nnodeRegistration:\n  name: worker1\n");

    ExecResult join = worker.exec("kubeadm", "join", "--config", CONFIG);

    assertThat(join.exitCode()).isEqualTo(3);
    assertThat(join.stderr()).startsWith("discovery: Invalid value: \"\": bootstrapToken or file must be set\n");
    assertThat(worker.exec("sh", "-c", "find /etc/kubernetes /var/lib/kubelet -type f 2>/dev/null").stdout()).isEmpty();
  }

  @Test
  void configValidateIsStrictAndFailsOnAnUnknownField() {
    SandboxHost master = SANDBOX.host("master1");
    String config = KubeadmConfig.init(spec("1.34.2"), host("master1"));
    master.writeFile(CONFIG, config);
    ExecResult valid = master.exec("kubeadm", "config", "validate", "--config", CONFIG);
    master.writeFile(CONFIG, config.replace("  name: master1\n", "  name: master1\n  nodeLabels: x\n"));

    ExecResult unknown = master.exec("kubeadm", "config", "validate", "--config", CONFIG);

    assertThat(valid.exitCode()).as(valid.stderr()).isZero();
    assertThat(valid.stdout()).isEqualTo("ok\n");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.stderr()).startsWith("error unmarshaling configuration schema.GroupVersionKind{Group:\"kubeadm.k8s.io\","
        + " Version:\"v1beta4\", Kind:\"InitConfiguration\"}: strict decoding error: unknown field \"nodeRegistration.nodeLabels\"\n");
  }

  /** The join file as the SDK hands it to kubeadm, its secret placeholders filled in. */
  private static String filled(String join) {
    return join.replace("{{secret:join-token}}", "abcdef.0123456789abcdef")
        .replace("{{secret:ca-cert-hash}}", "sha256:" + KEY).replace("{{secret:certificate-key}}", KEY);
  }

  private static Host host(String name) {
    return spec("1.34.2").requireHost(name);
  }

  private static ClusterSpec spec(String version) {
    return ClusterSpec.builder().name("sandbox").topology(Topology.SINGLE_MASTER).kubernetesVersion(version)
        .hosts(SANDBOX.sandbox().inventory().hosts())
        .network(NetworkPlan.builder().podCidr("10.0.0.0/16").serviceCidr("10.96.0.0/12")
            .addHostNetworks(Sandbox.DEFAULT_PRIVATE_NETWORK).build())
        .build();
  }
}
