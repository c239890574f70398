package dev.kubesmith.addons.monitoring;

import dev.kubesmith.upstream.UpstreamFile;
import java.util.List;

/**
 * The pinned files of kube-prometheus {@value KubePrometheus#VERSION}: every file of upstream's
 * {@code manifests/setup} (the namespace and the monitoring.coreos.com CRDs) and of {@code manifests},
 * each with its SHA-256, in upstream's (alphabetical) order.
 *
 * <pre>{@code
 * String prometheus = mirror.fetch(KubePrometheusFiles.manifest("prometheus-prometheus.yaml"));
 * }</pre>
 */
public final class KubePrometheusFiles {
  /** {@code manifests/setup}: namespace {@code monitoring} and the CRDs, applied first. */
  public static final List<UpstreamFile> SETUP = List.of(
      setup("0alertmanagerConfigCustomResourceDefinition.yaml", "d7c203e0e2fc6b00736a95637f39ae7df1873aebbf48a03d9e18f5a4b6d020b1"),
      setup("0alertmanagerCustomResourceDefinition.yaml", "fda6edbff1621451af5538624cc73c376f4ad2e4c772a246356355b4e185b76c"),
      setup("0podmonitorCustomResourceDefinition.yaml", "8b11480268f6bde4413b4e7329859bdd6c78b20f5916dac0d388566920d5fe39"),
      setup("0probeCustomResourceDefinition.yaml", "283b380763a68474405f874c12532190e2ec9474226b40474dbd9b00730a24a8"),
      setup("0prometheusCustomResourceDefinition.yaml", "f6a6df3da95574cb2ca9bdf63f0a4fcae4ace73dfbf20f60b9bb71639dbd67b0"),
      setup("0prometheusagentCustomResourceDefinition.yaml", "5b992e30a7bc377e35c761a68e5092ce8a29f1b8cdeaf0c2d69b1c4f6e5794ce"),
      setup("0prometheusruleCustomResourceDefinition.yaml", "f415488dee5197944ef9dd66b31ca2adeb23a1026f82b85a85748df5191fc70b"),
      setup("0scrapeconfigCustomResourceDefinition.yaml", "8c6ea4f7925fcb0b360d1fb3517c6b89bb480ba877f9eb9200dd1e6d125bd82f"),
      setup("0servicemonitorCustomResourceDefinition.yaml", "7de62ca93f40120970cc2d6a429da2f2e0a7129a14b31f2a7c507d2190771661"),
      setup("0thanosrulerCustomResourceDefinition.yaml", "fb41ee70a22d39c902a50523d9d32f4d4dfd7fee0ccfebdf5f2221eabfe23232"),
      setup("namespace.yaml", "b1203a107dad0d01d2024178b2006f0d3bad911202d1fe0e9474ec822066ac7f"));

  /** {@code manifests/*.yaml}: everything else, including the Prometheus and Alertmanager objects. */
  public static final List<UpstreamFile> MANIFESTS = List.of(
      manifest("alertmanager-alertmanager.yaml", "0e32a2ed56f7458601508488c0a59a7bb93c68ee6fcf3d6a61110f5625fd2979"),
      manifest("alertmanager-networkPolicy.yaml", "d3af9fd037250a679f81f66e145052d6788adb5d1b67854ca2020e633d993ce4"),
      manifest("alertmanager-podDisruptionBudget.yaml", "89cec96cb303a464115f7779df95079b6d38ac82821a071b9e74142d426e0a0f"),
      manifest("alertmanager-prometheusRule.yaml", "9b1baef5d106e0898f90c3904f9b24b872990f6a8f6368e3408547aec70bebaf"),
      manifest("alertmanager-secret.yaml", "a667ff3ec9849d9f0c81a65797a0cc615700e92bd68bd0d19f16e4df26bd88e3"),
      manifest("alertmanager-service.yaml", "07baec32eda9aff77d53a19ed7824b9f720208d869fd6f001b9aaee8c889bcb4"),
      manifest("alertmanager-serviceAccount.yaml", "6c76dbd005fe0c8b38467aa32a78ad3322fb4ceae892b4a560bc240fb4256da7"),
      manifest("alertmanager-serviceMonitor.yaml", "c461a4b08374ed80a4645b1e73c41a3ce7e0dc618ddd0beeaee4e295de02ac8b"),
      manifest("blackboxExporter-clusterRole.yaml", "915cc30c89c0073aba5cccf14ad50b14f1a94e5da641fcaece0af3c6e35ab7e3"),
      manifest("blackboxExporter-clusterRoleBinding.yaml", "192a70b9746511881e51cee182b28ece00044a80d42e63a991992073c260a781"),
      manifest("blackboxExporter-configuration.yaml", "30164c80310d8fb0f8e1ff982600457e9f3725e1e39d61cbc24bf371269f8de5"),
      manifest("blackboxExporter-deployment.yaml", "4ea60927c92de1e582f2422f0ef5fd490ad12818017ac94facddc8af82a95a11"),
      manifest("blackboxExporter-networkPolicy.yaml", "1faf65b9969d11dc3a1eda0a8e8e780bc845991892f42f0cb6a9010e636fddae"),
      manifest("blackboxExporter-service.yaml", "0166d6baea1cfe2be4464a5ac82f676fd76e0ba2c894fb1fea5f9ed679af9fe5"),
      manifest("blackboxExporter-serviceAccount.yaml", "33449b01e6abcc9c1c8bd659516c12aa003f2df4c9fa585c421e58f27614bf2c"),
      manifest("blackboxExporter-serviceMonitor.yaml", "e07a9f14a8ade03b0ce9bf5feec76584131141651c7de1c2e24ae513795bb889"),
      manifest("grafana-config.yaml", "f07e5a7d8a4703cccf387a2a8d9ae1aaf33963d82480496dc9445de4065efe51"),
      manifest("grafana-dashboardDatasources.yaml", "f84503bf0c73c103170b340a725af224a8dd76e16832f8fe9211a868088b12bc"),
      manifest("grafana-dashboardDefinitions.yaml", "b4492fa3ca625efc360d568b7a387634490a1109090f970320c2528d6f4f28fe"),
      manifest("grafana-dashboardSources.yaml", "3f3ec66a2ab47d975bbdbd69db31ec35273d465a733878cdcb2babed8f75ff38"),
      manifest("grafana-deployment.yaml", "755b64591ac079441563c7f8808c5299d06875d320a1288576590e635979276d"),
      manifest("grafana-networkPolicy.yaml", "b363735c6a39e4561f18f5bca5fcc4878e7d1cc64dff2e8592e05a0b8b331595"),
      manifest("grafana-prometheusRule.yaml", "3c0f8c0b009d86a3a802eeb00e92659a658b458b7858b85b7838faf0c0824d23"),
      manifest("grafana-service.yaml", "b265328320860125a66a226de71e7c1e08e3b03aed069daa40ab5b8d87871650"),
      manifest("grafana-serviceAccount.yaml", "c73872487c2b5ec28c306a58dd8c519107ce9e2edab31bf2ccc0c4bdc98657bf"),
      manifest("grafana-serviceMonitor.yaml", "11e03c3ee44ba986226fbdc1d7eb550eff88c89920f7fd77574af106cb742cb9"),
      manifest("kubePrometheus-prometheusRule.yaml", "5bf4529862bf908953a6331c926d9a21435a69b0946187bbf40fcb17e62231c6"),
      manifest("kubeStateMetrics-clusterRole.yaml", "1c98679658682d6b8e1a1965ca7bb6224260742aa9ef150db65c7cb308eaff67"),
      manifest("kubeStateMetrics-clusterRoleBinding.yaml", "4c5c9b58147cf953a1092a950b355db8b6b7b31c02229b6b22c8751a529e8fe8"),
      manifest("kubeStateMetrics-deployment.yaml", "4019e3beab58ad783348b0bd8f69551cfc6d2ce11726ef34c6b00b8b88df0dbe"),
      manifest("kubeStateMetrics-networkPolicy.yaml", "03382746c5bd3a9b7e4dde27a37e57c2a7da0b4800d3641cdf5b2c5c69067a0c"),
      manifest("kubeStateMetrics-prometheusRule.yaml", "7f1526179e411329db33d5644d1672f93f1f942895f8f738e244e6b8533ec144"),
      manifest("kubeStateMetrics-service.yaml", "feb4f5fa80710a34ed069de091ac4073e56ac04f07693c1325b83332a9b291aa"),
      manifest("kubeStateMetrics-serviceAccount.yaml", "2502e898bed1ee62fd4af4107d65355126213b14ad36d19ac861d898a760c513"),
      manifest("kubeStateMetrics-serviceMonitor.yaml", "15e26fd7028b435be81c89a1f01680b659bc01aceeae21e1fcef192a6ece5356"),
      manifest("kubernetesControlPlane-prometheusRule.yaml", "285016751ea25328d5130b6b2b78d422ecd76281025731ad5c52391d00361e88"),
      manifest("kubernetesControlPlane-serviceMonitorApiserver.yaml", "c9da3b711903f70d386a8c6adad5cbead1f56987ed1f203f1ee71579b435980c"),
      manifest("kubernetesControlPlane-serviceMonitorCoreDNS.yaml", "a4c9f4d7ca3298c04c73ab105f03fb5422c05cd37fa072373170abf4b8640450"),
      manifest("kubernetesControlPlane-serviceMonitorKubeControllerManager.yaml", "95dee25218a9886e938861de05a51dd56310f0871d891f6bf7ce8517644491b2"),
      manifest("kubernetesControlPlane-serviceMonitorKubeScheduler.yaml", "3e00fc58c019976b063814f3152f20fe09a0dbe2b635a4d737044a14bf0e12e2"),
      manifest("kubernetesControlPlane-serviceMonitorKubelet.yaml", "d5df62f38aee95e064f0c07a55b72e5e60f454a6b59a857117fec40b7d55cc76"),
      manifest("nodeExporter-clusterRole.yaml", "982afa5f5c73330d39b5241e90b025549c601a952909424a8be0ab8dd8f3ad52"),
      manifest("nodeExporter-clusterRoleBinding.yaml", "185b2f61f37a0f3d0da6088a25c31d7fb83533eaab0a991d1e45711654546532"),
      manifest("nodeExporter-daemonset.yaml", "3be7db37660cc5b6205d749240842866d5605343fb58a2178c29ced15b829776"),
      manifest("nodeExporter-networkPolicy.yaml", "8b7ffd65827ccaf71cf8133cebfdc997f23ccdd4454986acdba8d3e5a8626f5b"),
      manifest("nodeExporter-prometheusRule.yaml", "5822dd3127cb2fcd51d79295a9d548e950aae93ec6a9708853ececfad4d841f2"),
      manifest("nodeExporter-service.yaml", "b02d68dac362aa748a3402c111a9ea0e51517cae8de5805dbacc1314449e536d"),
      manifest("nodeExporter-serviceAccount.yaml", "6e8c02c40a8e26b239940eb64e747410936f20b409daae10ed58b4dfb34a9249"),
      manifest("nodeExporter-serviceMonitor.yaml", "e7bffd05881c73dfae911166ea401e5ca91ad0884849a9247a8974428a6f18db"),
      manifest("prometheus-clusterRole.yaml", "c21b6a00e1caa114d029306babeff10f2eeb0fabc663f6ac37005ee62e8932bb"),
      manifest("prometheus-clusterRoleBinding.yaml", "a88a673ac17f56618a039e2ac47e7a1b038bd06af047436fda3f2ce077e0a328"),
      manifest("prometheus-networkPolicy.yaml", "81bbc7a12f9711750efc1c790557d8411b11009b78c328fd7df3ae8b63535a3a"),
      manifest("prometheus-podDisruptionBudget.yaml", "66c87c2b067962c2e01aac05d6429af9afee7e7a14fb0946c5eb4370f6c0c681"),
      manifest("prometheus-prometheus.yaml", "661c1e86d16de5be239870e17a53e2629a957f5a70645d6ca0ff75ee8ec41c09"),
      manifest("prometheus-prometheusRule.yaml", "fa545d1f7ee18b323a897a988b3ed54df8f52f4eef5a1634b598cf6c7120502f"),
      manifest("prometheus-roleBindingConfig.yaml", "e645ac8489f730d87dae30217a4949ef688f49e05e504d212b0f3e150f8d0d0b"),
      manifest("prometheus-roleBindingSpecificNamespaces.yaml", "85a4cab9e8e045fbe0ee7742cf090ab86468fd88dbde637e26fdcc6eb437dfb2"),
      manifest("prometheus-roleConfig.yaml", "47851a924b6f46e36cff37e86bd688a8b097bd1c5a24ffef79a790029711e3c3"),
      manifest("prometheus-roleSpecificNamespaces.yaml", "c4542cc9cbe0e840191cda9c3523b31195c5541bc9c1e5c8301e9136b95a3229"),
      manifest("prometheus-service.yaml", "3d646544c36240cfdb46a75348075ea4d1df9123532bdf093a8f8a02b2782d4d"),
      manifest("prometheus-serviceAccount.yaml", "38b15e52e58131f918fa1d68199bba90a680ee43ee3c35f3197b89db7e789166"),
      manifest("prometheus-serviceMonitor.yaml", "360014f28171a84b3506f50fb716cd33927496ac29bf4efa3dc055e174e05411"),
      manifest("prometheusAdapter-apiService.yaml", "e7092f74b283460de49d332956ee14dbe9633fbfbc5a791daa2d6857560511b6"),
      manifest("prometheusAdapter-clusterRole.yaml", "95cf612af3a11fd6b8e96ff822d6a25123ca824ac3f9e520dd20b580e35981e4"),
      manifest("prometheusAdapter-clusterRoleAggregatedMetricsReader.yaml", "47f032670df7f3cc9be17119dbbcad190a549974e2ee84f4b006b8cd6ad1b3bb"),
      manifest("prometheusAdapter-clusterRoleBinding.yaml", "91b7427f3d7140d630a9c4d15bc830fcc358b9009fd52cb215791b85832d4aa9"),
      manifest("prometheusAdapter-clusterRoleBindingDelegator.yaml", "70f1f08265a4e64433b2424d9be7626132634b09844c280772f9c0b0f0e1331e"),
      manifest("prometheusAdapter-clusterRoleServerResources.yaml", "babe806dc43c4ead9fbe2513cbcdadd6b654e27b4996a123ac56d9df52b283a9"),
      manifest("prometheusAdapter-configMap.yaml", "a929ba7c4857cdbaa53771a61a3ccfaa599b50eb09dced37c654f044b8e8460f"),
      manifest("prometheusAdapter-deployment.yaml", "ec7a29df16f18d131f636f4e9747fdfaa3bf6e7b5822aaa566cfabad349c75aa"),
      manifest("prometheusAdapter-networkPolicy.yaml", "306c69d7df933fd969716e3921f3c1e26ffbfec1b7e9b0a77314ff6423c167e7"),
      manifest("prometheusAdapter-podDisruptionBudget.yaml", "13723a06a4f5774761fc6966a1c0f662be3fbd39f1c1b4bf66b02fb8957ad047"),
      manifest("prometheusAdapter-roleBindingAuthReader.yaml", "445f272837df2e42ceef8c67474fe2d97b2ea5589699cb0a62c903083faf2f01"),
      manifest("prometheusAdapter-service.yaml", "635a67577cbe362d0af0df112dc64b95970456e268e8e3e65d45a97ebfa03bec"),
      manifest("prometheusAdapter-serviceAccount.yaml", "6134e89176aa931212209f00b35641fee5c74eba095422418d9aec81b44bf874"),
      manifest("prometheusAdapter-serviceMonitor.yaml", "04db8e9ffb14aed561a1cb4e21fe664acf70b60b8c5fb5e8c9932ed2d78b86f5"),
      manifest("prometheusOperator-clusterRole.yaml", "a1e64fa61e3319d80ee665cf38cfe2c1fa63540b78f59a1eb2d1e82459a41e19"),
      manifest("prometheusOperator-clusterRoleBinding.yaml", "4b605d8c19995747a50cbaf7145f7759b72c812f9f86040a368f4f99c1af216a"),
      manifest("prometheusOperator-deployment.yaml", "1ce298e2ee11d54e3dd6c3e4feae563f09c72e12eb4305ea56432bf9611b91fd"),
      manifest("prometheusOperator-networkPolicy.yaml", "76f81e41e6fc0ca41bdc02b4ab40a1d77fc86476168be636a6da851c5af5f717"),
      manifest("prometheusOperator-prometheusRule.yaml", "71e75d269449dd37fd8fb1c531fea7985b425cbff2221401e8a03b6839c27c37"),
      manifest("prometheusOperator-service.yaml", "dc9858433a31e24c7d701b848097a807659e34c44ab0bd2df8b4ee83070f71b9"),
      manifest("prometheusOperator-serviceAccount.yaml", "39d053792f1e88b45994b4ca91645102d078e3ee4aaa2dd47a437619bed9ccd4"),
      manifest("prometheusOperator-serviceMonitor.yaml", "517b47303c6ff3b26ad6423c95ddf8a442d93c7ff4a15c5cfea2b877453d168d"));

  private KubePrometheusFiles() {}

  /** The pinned file {@code manifests/<file>}, e.g. {@code prometheus-prometheus.yaml}. */
  public static UpstreamFile manifest(String file) {
    return MANIFESTS.stream().filter(f -> fileName(f).equals(file)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("kube-prometheus " + KubePrometheus.VERSION + " has no manifests/" + file));
  }

  /** The pinned file {@code manifests/setup/<file>}, e.g. {@code 0prometheusCustomResourceDefinition.yaml}. */
  public static UpstreamFile setup(String file) {
    return SETUP.stream().filter(f -> fileName(f).equals(file)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("kube-prometheus " + KubePrometheus.VERSION + " has no manifests/setup/" + file));
  }

  /** The file's name without its directory. */
  public static String fileName(UpstreamFile f) {
    return f.mirrorPath().substring(f.mirrorPath().lastIndexOf('/') + 1);
  }

  private static UpstreamFile setup(String file, String sha256) {
    return file("setup/" + file, sha256);
  }

  private static UpstreamFile manifest(String file, String sha256) {
    return file(file, sha256);
  }

  private static UpstreamFile file(String path, String sha256) {
    return new UpstreamFile("kube-prometheus", KubePrometheus.VERSION, "kube-prometheus/manifests/" + path,
        "https://raw.githubusercontent.com/prometheus-operator/kube-prometheus/" + KubePrometheus.VERSION + "/manifests/" + path,
        sha256);
  }
}
