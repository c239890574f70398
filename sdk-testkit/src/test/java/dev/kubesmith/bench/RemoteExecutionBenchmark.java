package dev.kubesmith.bench;

import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.exec.BuildExecutor;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.exec.Journal;
import dev.kubesmith.exec.Retries;
import dev.kubesmith.exec.SshStepRunner;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Role;
import dev.kubesmith.ssh.Redactor;
import dev.kubesmith.ssh.SshConnector;
import dev.kubesmith.testkit.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The SDK's overhead per host-step against Ansible's, on the same sandbox hosts in one run: K
 * trivial steps ({@code true}) on each of N hosts, every connection through the bastion, all runs
 * cold (new connections; a fresh ControlPath directory for Ansible), the same parallelism (forks).
 * Not a test: run it by hand as root (see docs/BENCHMARKS.md):
 *
 * <pre>
 * ./mvnw -q -pl sdk-testkit -am install -DskipTests
 * ./mvnw -q -pl sdk-testkit exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.kubesmith.bench.RemoteExecutionBenchmark -Dexec.args="N K FORKS"
 * </pre>
 */
public final class RemoteExecutionBenchmark {
  private RemoteExecutionBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int k = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int forks = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    boolean ansible = args.length <= 3 || !args[3].equals("--sdk-only");
    Sandbox.Builder b = Sandbox.builder().host("bastion", "198.18.4.1", Role.BASTION);
    for (int i = 0; i < n; i++) {
      b.host("node" + i, ip(i), i == 0 ? Role.MASTER : Role.WORKER);
    }
    long t0 = System.nanoTime();
    try (Sandbox sandbox = b.build().start()) {
      System.out.printf(Locale.ROOT, "sandbox: %d hosts + bastion started in %.1f s%n", n, secs(t0));
      ClusterSpec spec = Cluster.singleMaster().name("bench").inventory(sandbox.inventory()).ssh(sandbox.ssh())
          .build().spec();
      List<String> rows = new ArrayList<>();
      for (int run = 1; run <= 2; run++) {
        rows.add(row("kubesmith (run " + run + ")", sdk(spec, n, k, forks), n, k));
      }
      if (ansible) {
        Path work = Files.createTempDirectory("ks-bench-ansible");
        Path inventory = ansibleInventory(work, sandbox, n);
        Path playbook = playbook(work, k);
        rows.add(row("ansible (default)", ansible(work, inventory, playbook, forks, false), n, k));
        rows.add(row("ansible (pipelining)", ansible(work, inventory, playbook, forks, true), n, k));
      }
      System.out.printf(Locale.ROOT, "N=%d hosts, K=%d steps each, %d at once, %d host-steps%n", n, k, forks, n * k);
      System.out.println("| runner | wall time (s) | per host-step (ms) |");
      System.out.println("|---|---|---|");
      rows.forEach(System.out::println);
    }
  }

  private static String ip(int i) {
    return "198.18." + (4 + (i + 2) / 250) + "." + ((i + 2) % 250 + 2);
  }

  private static double sdk(ClusterSpec spec, int n, int k, int forks) {
    PlanBuilder plan = new PlanBuilder();
    for (int i = 0; i < n; i++) {
      for (int s = 0; s < k; s++) {
        var sb = Step.builder().id("s" + s + "@node" + i).phase(Phase.PREPARE_HOSTS).host("node" + i)
            .description("trivial").addCommands("true");
        if (s > 0) {
          sb.addDependsOn("s" + (s - 1) + "@node" + i);
        }
        plan.add(sb.build());
      }
    }
    long t0 = System.nanoTime();
    SshConnector connector = SshConnector.forSpec(spec, Optional.empty(), new Redactor());
    BuildExecutor executor = BuildExecutor.builder().parallelism(forks).retries(Retries.none())
        .runner(new SshStepRunner(connector, h -> connector.target(spec.requireHost(h)), Duration.ofMinutes(1), null))
        .build();
    BuildResult result = executor.execute(plan.build(spec), Journal.inMemory());
    if (result.ran().size() != n * k) {
      throw new IllegalStateException("ran " + result.ran().size() + " of " + n * k + " steps");
    }
    return secs(t0);
  }

  private static Path ansibleInventory(Path work, Sandbox sandbox, int n) throws IOException {
    StringBuilder inv = new StringBuilder("[nodes]\n");
    for (int i = 0; i < n; i++) {
      inv.append("node").append(i).append(" ansible_host=").append(sandbox.host("node" + i).privateIp()).append('\n');
    }
    inv.append("\n[nodes:vars]\nansible_user=root\nansible_python_interpreter=/usr/bin/python3\n")
        .append("ansible_ssh_private_key_file=").append(sandbox.clientKey()).append('\n')
        .append("ansible_ssh_common_args='-F ").append(sandbox.sshConfig()).append(" -o ProxyJump=root@")
        .append(sandbox.bastionAddress()).append(" -o UserKnownHostsFile=").append(sandbox.knownHosts())
        .append(" -o StrictHostKeyChecking=yes'\n");
    Path p = work.resolve("inventory.ini");
    Files.writeString(p, inv);
    return p;
  }

  private static Path playbook(Path work, int k) throws IOException {
    StringBuilder y = new StringBuilder("- hosts: nodes\n  gather_facts: false\n  tasks:\n");
    for (int s = 0; s < k; s++) {
      y.append("    - name: trivial ").append(s).append("\n      ansible.builtin.command: /bin/true\n      changed_when: false\n");
    }
    Path p = work.resolve("play.yml");
    Files.writeString(p, y);
    return p;
  }

  private static double ansible(Path work, Path inventory, Path playbook, int forks, boolean pipelining)
      throws IOException, InterruptedException {
    Path cp = Files.createTempDirectory(work, "cp");
    ProcessBuilder pb = new ProcessBuilder("ansible-playbook", "-i", inventory.toString(), "-f", String.valueOf(forks),
        playbook.toString()).redirectErrorStream(true).redirectOutput(work.resolve("ansible-" + pipelining + ".log").toFile());
    pb.environment().put("ANSIBLE_PIPELINING", pipelining ? "True" : "False");
    pb.environment().put("ANSIBLE_SSH_CONTROL_PATH_DIR", cp.toString());
    pb.environment().put("ANSIBLE_HOST_KEY_CHECKING", "True");
    pb.environment().put("ANSIBLE_NOCOLOR", "1");
    long t0 = System.nanoTime();
    int exit = pb.start().waitFor();
    double took = secs(t0);
    if (exit != 0) {
      throw new IllegalStateException("ansible-playbook exited " + exit + "; see " + work.resolve("ansible-" + pipelining + ".log"));
    }
    return took;
  }

  private static String row(String name, double seconds, int n, int k) {
    return String.format(Locale.ROOT, "| %s | %.2f | %.1f |", name, seconds, seconds * 1000 / (n * k));
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
