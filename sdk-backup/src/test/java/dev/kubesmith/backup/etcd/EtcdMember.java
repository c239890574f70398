package dev.kubesmith.backup.etcd;

import dev.kubesmith.testkit.SandboxHost;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A sandbox master running a real etcd as kubeadm lays it out: certificates under
 * /etc/kubernetes/pki/etcd, a static-pod manifest, and a stand-in for the kubelet that runs etcd
 * while the manifest is there (test fixture).
 */
final class EtcdMember {
  static final String PKI = "/etc/kubernetes/pki/etcd";
  final SandboxHost host;

  EtcdMember(SandboxHost host) {
    this.host = host;
  }

  /** Certificates (signed by {@code ca}'s CA when given), manifests, and the kubelet stand-in started. */
  EtcdMember start(String initialCluster, EtcdMember ca) {
    if (ca != null) {
      host.writeFile(PKI + "/ca.crt", ca.host.readFile(PKI + "/ca.crt"));
      host.writeFile(PKI + "/ca.key", ca.host.readFile(PKI + "/ca.key"));
    }
    host.writeFile("/root/pki.sh", resource("pki.sh"));
    host.exec("bash", "/root/pki.sh", host.name(), host.privateIp()).requireSuccess();
    host.writeFile("/etc/kubernetes/manifests/etcd.yaml", resource("etcd.yaml").replace("@IP@", host.privateIp())
        .replace("@NAME@", host.name()).replace("@CLUSTER@", initialCluster));
    host.writeFile("/etc/kubernetes/manifests/kube-apiserver.yaml", "# stand-in: nothing runs it\n");
    host.writeFile("/root/kubelet-standin.sh", resource("kubelet-standin.sh"));
    host.exec("setsid", "-f", "bash", "/root/kubelet-standin.sh").requireSuccess();
    return this;
  }

  /** Binds a directory of this machine (read-only inside the hosts) writable onto {@code target}, as an NFS mount would appear. */
  void bind(Path source, String target) {
    host.exec("bash", "-c", "mkdir -p " + target + " && mount --bind " + source + " " + target
        + " && mount -o remount,bind,rw " + target).requireSuccess();
  }

  List<String> etcdctl(String... args) {
    List<String> argv = new ArrayList<>(List.of("etcdctl", "--endpoints=https://127.0.0.1:2379", "--cacert=" + PKI + "/ca.crt",
        "--cert=" + PKI + "/healthcheck-client.crt", "--key=" + PKI + "/healthcheck-client.key", "--command-timeout=5s"));
    argv.addAll(List.of(args));
    return argv;
  }

  void put(String key, String value) {
    host.exec(etcdctl("put", key, value).toArray(String[]::new)).requireSuccess();
  }

  String get(String key) {
    return host.exec(etcdctl("get", key, "--print-value-only").toArray(String[]::new)).requireSuccess().stdout().trim();
  }

  /** Waits (up to 30 s) until etcd answers its health check, or until it no longer does. */
  void awaitHealthy(boolean healthy) {
    Instant deadline = Instant.now().plusSeconds(30);
    while (host.exec(etcdctl("endpoint", "health").toArray(String[]::new)).succeeded() != healthy) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("etcd on " + host.name() + (healthy ? " not healthy" : " still healthy")
            + " after 30 s; stand-in log:\n" + host.readFile("/var/log/etcd-standin.log"));
      }
      pause(200);
    }
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static String resource(String name) {
    try (InputStream in = EtcdMember.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
