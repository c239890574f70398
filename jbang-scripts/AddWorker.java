///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS dev.kubesmith:sdk-network:0.1.0-SNAPSHOT
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.20

// Adds a worker to a cluster kubesmith built: one new line in the inventory, then apply, which skips
// everything already done and joins the new worker. With --plan DIR it only writes the plan.
//   jbang-scripts/jbang jbang-scripts/AddWorker.java --inventory hosts --name worker4 --ip 10.20.0.24 --plan out

import dev.kubesmith.cluster.*;
import dev.kubesmith.exec.*;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.*;
import dev.kubesmith.upstream.*;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.*;

@Command(name = "AddWorker", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Adds a worker to an existing cluster: appends '<ip> <name> worker' to the inventory, then "
        + "applies (steps already done are skipped; the new worker joins). --plan DIR writes the plan instead, "
        + "touching neither the hosts nor the inventory.",
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:the worker joined (or the plan was written)",
        "1:invalid input, printed one problem per line; nothing touched", "2:usage error",
        "3:upstream mirror or I/O failure", "5:the build failed; run the same command again to resume",
        "6:another build of this cluster holds the lock"})
class AddWorker implements Callable<Integer> {
  @Option(names = "--inventory", required = true, paramLabel = "FILE", description = "The cluster's hosts file.")
  Path inventory;
  @Option(names = "--name", required = true, description = "The new worker's host name.") String name;
  @Option(names = "--ip", required = true, description = "The new worker's private IP.") String ip;
  @Option(names = "--vip", description = "HA clusters: the private VIP the cluster was built with.") String vip;
  @Option(names = "--plan", paramLabel = "DIR", description = "Write the plan to DIR; touch no host.") Path plan;
  @Option(names = "--mirror", paramLabel = "DIR|URL", description = "Upstream manifests mirror.") String mirror;
  @Option(names = "--ssh-key", paramLabel = "FILE",
      description = "OpenSSH private key (an encrypted one's passphrase from KUBESMITH_SSH_KEY_PASSPHRASE).") Path key;
  @Option(names = "--known-hosts", paramLabel = "FILE", description = "known_hosts file.") Path knownHosts;
  @Option(names = "--state-dir", paramLabel = "DIR", description = "The state directory of the first apply.")
  Path state;

  public static void main(String... args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.exit(new CommandLine(new AddWorker()).execute(args));
  }

  public Integer call() throws Exception {
    if (!Files.isRegularFile(inventory)) {
      return fail(1, "--inventory " + inventory + ": no such file; give the hosts file the cluster was built from");
    }
    List<Host> hosts = new ArrayList<>(Inventory.load(inventory).hosts());
    Optional<Host> same = hosts.stream().filter(h -> h.name().equals(name) || h.privateIp().equals(ip)).findFirst();
    if (same.isPresent() && !(same.get().name().equals(name) && same.get().privateIp().equals(ip))) {
      return fail(1, "--name " + name + " --ip " + ip + ": the inventory already has " + same.get().name() + " at "
          + same.get().privateIp() + "; choose a new name and a free IP");
    }
    if (same.isEmpty()) {
      hosts.add(Host.of(name, ip, Role.WORKER));
    }
    ClusterBuilder builder = hosts.stream().anyMatch(h -> h.has(Role.LB)) ? Cluster.ha() : Cluster.singleMaster();
    Ssh ssh = Ssh.root();
    Optional.ofNullable(key).ifPresent(ssh::privateKey);
    Optional.ofNullable(knownHosts).ifPresent(ssh::knownHosts);
    Optional.ofNullable(System.getenv("KUBESMITH_SSH_KEY_PASSPHRASE")).map(String::toCharArray).ifPresent(ssh::passphrase);
    Optional.ofNullable(mirror).map(UpstreamMirror::at).ifPresent(builder::mirror);
    Cluster cluster;
    try {
      builder.inventory(Inventory.of(hosts)).ssh(ssh);
      Optional.ofNullable(vip).ifPresent(builder::vip);
      cluster = builder.build();
    } catch (InvalidSpecException e) {
      e.problems().forEach(p -> System.err.println("error: " + p.message()));
      return 1;
    }
    if (plan != null) {
      try {
        Path dir = cluster.plan().render(plan);
        System.out.println("plan with " + name + " written to " + dir + " (see plan.md, step join-worker@" + name + ")");
        return 0;
      } catch (UpstreamException | java.io.UncheckedIOException e) {
        return fail(3, e.getMessage());
      }
    }
    if (same.isEmpty()) { // the inventory stays the truth: a failed apply resumes with the same command
      Files.writeString(inventory, ip + " " + name + " worker\n", StandardOpenOption.APPEND);
    }
    ApplyOptions options = ApplyOptions.defaults().listener(new BuildListener() {
      @Override public void stepFinished(Step step, java.time.Duration took) { System.out.println("done " + step.id()); }
    });
    Optional.ofNullable(state).ifPresent(options::stateDirectory);
    try {
      BuildResult result = cluster.apply(options);
      System.out.println(name + " joined: " + result.ran().size() + " steps ran, " + result.skipped().size()
          + " already done");
      return 0;
    } catch (BuildFailedException e) {
      return fail(5, "build failed: " + e.getMessage() + "\nerror: run the same command again to resume");
    } catch (BuildLockedException e) {
      return fail(6, e.getMessage());
    } catch (UpstreamException | java.io.UncheckedIOException e) {
      return fail(3, e.getMessage());
    }
  }

  private static int fail(int code, String message) {
    System.err.println("error: " + message);
    return code;
  }
}
