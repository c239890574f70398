package dev.kubesmith.bench;

import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Role;
import dev.kubesmith.ssh.HostConnection;
import dev.kubesmith.ssh.Redactor;
import dev.kubesmith.ssh.SshConnector;
import dev.kubesmith.testkit.Sandbox;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** Round-trip time of one trivial command on an open connection: direct (bastion) and tunnelled (a node). */
public final class CommandLatency {
  private CommandLatency() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    try (Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.1", Role.BASTION)
        .host("node0", "198.18.4.2", Role.MASTER).build().start()) {
      ClusterSpec spec = Cluster.singleMaster().inventory(sandbox.inventory()).ssh(sandbox.ssh()).build().spec();
      try (SshConnector ssh = SshConnector.forSpec(spec, Optional.empty(), new Redactor())) {
        for (String host : new String[] {"bastion", "node0"}) {
          try (HostConnection c = ssh.connect(ssh.target(spec.requireHost(host)))) {
            c.run("true", Duration.ofSeconds(10));
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
              c.run("true", Duration.ofSeconds(10));
            }
            System.out.printf(Locale.ROOT, "%s: %.2f ms per command (%d commands)%n", host,
                (System.nanoTime() - t0) / 1e6 / n, n);
          }
        }
      }
    }
  }
}
