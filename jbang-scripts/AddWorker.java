///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS dev.kubesmith:sdk-network:0.1.0-SNAPSHOT
//DEPS dev.kubesmith:sdk-addons:0.1.0-SNAPSHOT
//DEPS dev.kubesmith:sdk-backup:0.1.0-SNAPSHOT
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.20
//JAVA_OPTIONS -Dorg.slf4j.simpleLogger.defaultLogLevel=warn

// Adds a worker to a cluster kubesmith built. It plans from the full spec of the built cluster, the
// <state dir>/spec.yaml every apply writes (VIPs, networks, SSH, components: nothing is re-derived
// from partial options), adds the worker to it, and applies: everything already done is skipped and
// the new worker joins. With --plan DIR it only writes the plan.
//   jbang-scripts/jbang jbang-scripts/AddWorker.java --state-dir ~/.kubesmith/clustera --name worker4 --ip 10.20.0.24 --plan out

import dev.kubesmith.cluster.*;
import dev.kubesmith.exec.*;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.*;
import dev.kubesmith.upstream.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.*;

@Command(name = "AddWorker", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Adds a worker to a cluster kubesmith built: reads the cluster's full spec from <state dir>/spec.yaml "
        + "(written by every apply), adds '<ip> <name> worker' to it, and applies (steps already done are skipped; the "
        + "new worker joins). --plan DIR writes the plan instead, touching no host and no file but DIR.",
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:the worker joined (or the plan was written)",
        "1:invalid input (or no spec.yaml: apply the cluster first), printed one problem per line; nothing touched",
        "2:usage error", "3:upstream mirror or I/O failure", "5:the build failed; run the same command again to resume",
        "6:another build of this cluster holds the lock"})
class AddWorker implements Callable<Integer> {
  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "The state directory of the cluster's apply; default: ~/.kubesmith/<--cluster-name>.") Path state;
  @Option(names = "--cluster-name", paramLabel = "NAME", description = "The cluster's name; default: kubesmith.")
  String clusterName = "kubesmith";
  @Option(names = "--name", required = true, description = "The new worker's host name.") String name;
  @Option(names = "--ip", required = true, description = "The new worker's private IP.") String ip;
  @Option(names = "--inventory", paramLabel = "FILE",
      description = "A hosts file kept beside the cluster: the worker's line is appended to it too.") Path inventory;
  @Option(names = "--plan", paramLabel = "DIR", description = "Write the plan to DIR; touch no host.") Path plan;
  @Option(names = "--mirror", paramLabel = "DIR|URL", description = "Upstream manifests mirror.") String mirror;
  @Option(names = "--ssh-key", paramLabel = "FILE", description = "OpenSSH private key instead of the spec's (an "
      + "encrypted one's passphrase from KUBESMITH_SSH_KEY_PASSPHRASE).") Path key;
  @Option(names = "--known-hosts", paramLabel = "FILE", description = "known_hosts file instead of the spec's.")
  Path knownHosts;

  public static void main(String... args) {
    System.exit(new CommandLine(new AddWorker()).execute(args));
  }

  public Integer call() throws Exception {
    Path dir = state != null ? state : Path.of(System.getProperty("user.home"), ".kubesmith", clusterName);
    Path specFile = dir.resolve("spec.yaml");
    if (!Files.isRegularFile(specFile)) {
      return fail(1, specFile + ": no spec of a built cluster; apply the cluster first (every apply writes it), or "
          + "give --state-dir the state directory of that apply");
    }
    ClusterSpec built = ClusterSpec.fromYaml(Files.readString(specFile, StandardCharsets.UTF_8));
    Optional<Host> same = built.hosts().stream().filter(h -> h.name().equals(name) || h.privateIp().equals(ip)).findFirst();
    if (same.isPresent() && !(same.get().name().equals(name) && same.get().privateIp().equals(ip))) {
      return fail(1, "--name " + name + " --ip " + ip + ": the cluster already has " + same.get().name() + " at "
          + same.get().privateIp() + "; choose a new name and a free IP");
    }
    ClusterSpec spec = same.isPresent() ? built
        : ImmutableClusterSpec.builder().from(built).addHosts(Host.of(name, ip, Role.WORKER)).build();
    Cluster cluster;
    try {
      cluster = Cluster.from(spec, mirror == null ? UpstreamMirror.fromEnvironment() : UpstreamMirror.at(mirror), ssh(spec.ssh()));
    } catch (InvalidSpecException e) {
      e.problems().forEach(p -> System.err.println("error: " + p.message()));
      return 1;
    }
    if (plan != null) {
      try {
        Path written = cluster.plan().render(plan);
        System.out.println("plan with " + name + " written to " + written + " (see plan.md, step join-worker@" + name + ")");
        return 0;
      } catch (UpstreamException | java.io.UncheckedIOException e) {
        return fail(3, e.getMessage());
      }
    }
    if (inventory != null && Inventory.load(inventory).host(name).isEmpty()) {
      Files.writeString(inventory, ip + " " + name + " worker\n", StandardOpenOption.APPEND);
    }
    ApplyOptions options = ApplyOptions.defaults().stateDirectory(dir).listener(new BuildListener() {
      @Override public void stepFinished(Step step, java.time.Duration took) { System.out.println("done " + step.id()); }
    });
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

  /** The spec's SSH settings with the options given in place of its key and known_hosts. */
  private Ssh ssh(SshSettings base) {
    Ssh ssh = Ssh.user(base.user()).port(base.port());
    Optional.ofNullable(key).or(() -> base.privateKey().map(Path::of)).ifPresent(ssh::privateKey);
    Optional.ofNullable(knownHosts).or(() -> base.knownHosts().map(Path::of)).ifPresent(ssh::knownHosts);
    base.bastion().ifPresent(ssh::bastion);
    if (base.hostKeyPolicy() == HostKeyPolicy.TRUST_ON_FIRST_USE) {
      ssh.trustOnFirstUse();
    }
    Optional.ofNullable(System.getenv("KUBESMITH_SSH_KEY_PASSPHRASE")).map(String::toCharArray).ifPresent(ssh::passphrase);
    return ssh;
  }

  private static int fail(int code, String message) {
    System.err.println("error: " + message);
    return code;
  }
}
