package dev.kubesmith.cli;

import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.cluster.Ssh;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.InvalidSpecException;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Problem;
import dev.kubesmith.upstream.UpstreamMirror;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code --spec FILE}: the whole cluster from a spec YAML, so that nothing of it (VIPs, networks, SSH,
 * components) is dropped, as it would be when the file were read as an inventory of hosts only.
 *
 * <pre>
 * kubesmith apply --spec ~/.kubesmith/clustera/spec.yaml --ssh-key ~/.ssh/id_ed25519
 * </pre>
 */
final class ClusterSpecFile {
  private ClusterSpecFile() {}

  /** False (with the problem added) when --spec is no readable file or comes with options it replaces. */
  static boolean check(ClusterOptions o, Failures failures) {
    List<String> replaced = new ArrayList<>();
    given(replaced, "--vip", o.vip);
    given(replaced, "--public-vip", o.publicVip);
    given(replaced, "--pod-cidr", o.podCidr);
    given(replaced, "--service-cidr", o.serviceCidr);
    given(replaced, "--name", o.name);
    given(replaced, "--addons", o.addons);
    given(replaced, "--domain", o.domain);
    given(replaced, "--ingress-nodes", o.ingressNodes);
    given(replaced, "--backup", o.backup);
    given(replaced, "--schedule", o.schedules);
    given(replaced, "--lb-private-interface", o.lbPrivateInterface);
    given(replaced, "--lb-public-interface", o.lbPublicInterface);
    boolean ok = true;
    if (!replaced.isEmpty()) {
      failures.add(KubesmithCli.USAGE, String.join(", ", replaced) + ": the spec " + o.spec + " describes the whole "
          + "cluster; change " + (replaced.size() == 1 ? "it" : "them") + " in the spec, or use --inventory FILE "
          + "with the options instead of --spec");
      ok = false;
    }
    if (!Files.isRegularFile(o.spec) || !Files.isReadable(o.spec)) {
      failures.add(KubesmithCli.INVALID_INPUT, "--spec " + o.spec + ": no such readable file; give a cluster spec "
          + "YAML (ClusterSpec.toYaml(), or spec.yaml in the state directory of a built cluster)");
      ok = false;
    }
    return ok;
  }

  /** False (with the problem added) when the inventory is a spec YAML: read as one, all but its hosts would be lost. */
  static boolean notASpec(Path inventory, Failures failures) {
    String text;
    try {
      text = Files.readString(inventory, StandardCharsets.UTF_8);
    } catch (IOException e) {
      failures.add(KubesmithCli.INVALID_INPUT, "--inventory " + inventory + ": " + e.getMessage());
      return false;
    }
    if (Inventory.detect(inventory.getFileName().toString(), text) != Inventory.Format.CLUSTER_YAML) {
      return true;
    }
    failures.add(KubesmithCli.INVALID_INPUT, "--inventory " + inventory + ": is a cluster spec YAML, of which "
        + "--inventory would use only the hosts (its VIPs, networks, SSH settings and components would be lost); "
        + "give it as --spec " + inventory);
    return false;
  }

  /** The cluster of the spec, the SSH options given in place of the spec's, or empty with every problem added. */
  static Optional<Cluster> cluster(ClusterOptions o, UpstreamMirror upstream, SshOptions sshOptions, Failures failures) {
    try {
      ClusterSpec spec = ClusterSpec.fromYaml(Files.readString(o.spec, StandardCharsets.UTF_8));
      Optional<Ssh> ssh = sshOptions.ssh(spec.ssh(), failures);
      return ssh.map(s -> Cluster.from(spec, upstream, s));
    } catch (InvalidSpecException e) {
      e.problems().stream().map(Problem::message).forEach(m -> failures.add(KubesmithCli.INVALID_INPUT, "--spec "
          + o.spec + ": " + m));
    } catch (IOException e) {
      failures.add(KubesmithCli.INVALID_INPUT, "--spec " + o.spec + ": " + e.getMessage());
    } catch (UncheckedIOException e) {
      failures.add(KubesmithCli.INVALID_INPUT, "--spec " + o.spec + ": " + e.getMessage());
    }
    return Optional.empty();
  }

  private static void given(List<String> names, String option, Object value) {
    if (value != null) {
      names.add(option);
    }
  }
}
