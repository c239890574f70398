package dev.kubesmith.samples;

import dev.kubesmith.cluster.ClusterBuilder;
import dev.kubesmith.cluster.Ssh;
import dev.kubesmith.upstream.UpstreamMirror;
import dev.kubesmith.spec.Inventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The few options every sample takes, {@code --name value} pairs; an unknown option, a missing
 * value or an option given twice is an {@link IllegalArgumentException} naming it.
 *
 * <pre>{@code
 * SampleOptions o = SampleOptions.parse(args, "clusterb_hosts");
 * Cluster c = o.configure(Cluster.singleMaster()).build();
 * }</pre>
 */
final class SampleOptions {
  /** Every option a sample understands, with what it means (printed by --help). */
  static final Map<String, String> OPTIONS = options();

  private final Map<String, String> values;

  private SampleOptions(Map<String, String> values) {
    this.values = values;
  }

  private static Map<String, String> options() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("--inventory", "FILE  the hosts file (default: the sample's own, e.g. clustera_hosts)");
    m.put("--plan-only", "DIR   write the plan to DIR and touch no host");
    m.put("--mirror", "DIR|URL  upstream manifests (default: -Dkubesmith.upstream.mirror, $KUBESMITH_UPSTREAM_MIRROR)");
    m.put("--ssh-key", "FILE  OpenSSH private key (passphrase from $KUBESMITH_SSH_KEY_PASSPHRASE)");
    m.put("--known-hosts", "FILE  known_hosts file (default: ~/.ssh/known_hosts)");
    m.put("--state-dir", "DIR   journal, lock and admin.conf (default: ~/.kubesmith/<name>)");
    m.put("--vip", "IP    HA: the private VIP");
    m.put("--public-vip", "IP    HA: the public VIP");
    m.put("--kubeconfig", "FILE  AddonsOnExistingCluster: the running cluster's admin kubeconfig");
    m.put("--port", "N     EmbeddedService: the HTTP port (default 8080)");
    return m;
  }

  static SampleOptions parse(String[] args, String defaultInventory) {
    Map<String, String> v = new LinkedHashMap<>();
    // The sample's own hosts file, from samples/ (Maven test runs) or from the repository root (exec:java).
    boolean inModule = Files.isRegularFile(Path.of(defaultInventory));
    v.put("--inventory", inModule ? defaultInventory : Path.of("samples", defaultInventory).toString());
    java.util.Set<String> given = new java.util.HashSet<>();
    for (int i = 0; i < args.length; i++) {
      if (!OPTIONS.containsKey(args[i])) {
        throw new IllegalArgumentException("unknown option '" + args[i] + "'; the options are " + OPTIONS.keySet());
      }
      if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
        throw new IllegalArgumentException(args[i] + " needs a value: " + args[i] + " " + OPTIONS.get(args[i]));
      }
      // Every option takes one value: a second one would silently win, so it is refused.
      if (!given.add(args[i])) {
        throw new IllegalArgumentException(args[i] + " is given twice (" + v.get(args[i]) + " and " + args[i + 1]
            + "); give it once");
      }
      v.put(args[i], args[++i]);
    }
    return new SampleOptions(v);
  }

  static boolean wantsHelp(String[] args) {
    return List.of(args).contains("--help") || List.of(args).contains("-h");
  }

  static String help(String sample, String what) {
    StringBuilder sb = new StringBuilder("Usage: " + sample + " [OPTIONS]\n" + what + "\n");
    OPTIONS.forEach((k, v) -> sb.append(String.format("  %-14s%s%n", k, v)));
    return sb.append("Exit codes: 0 ok, 1 invalid input, 2 usage error, 5 the build failed\n").toString();
  }

  Optional<String> get(String option) {
    return Optional.ofNullable(values.get(option));
  }

  Path inventory() {
    return Path.of(values.get("--inventory"));
  }

  /** The inventory, read; a missing file names the option and the fix. */
  Inventory loadInventory() {
    Path file = inventory();
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--inventory " + file + ": no such file; give the cluster's hosts file "
          + "(run from samples/, or e.g. --inventory samples/clustera_hosts)");
    }
    return Inventory.load(file);
  }

  Optional<Path> planOnly() {
    return get("--plan-only").map(Path::of);
  }

  Optional<Path> stateDir() {
    return get("--state-dir").map(Path::of);
  }

  /** Applies the mirror, SSH and VIP options to a builder. */
  ClusterBuilder configure(ClusterBuilder builder) {
    Ssh ssh = Ssh.root();
    get("--ssh-key").map(Path::of).ifPresent(ssh::privateKey);
    get("--known-hosts").map(Path::of).ifPresent(ssh::knownHosts);
    Optional.ofNullable(System.getenv("KUBESMITH_SSH_KEY_PASSPHRASE")).map(String::toCharArray).ifPresent(ssh::passphrase);
    builder.ssh(ssh);
    get("--mirror").map(UpstreamMirror::at).ifPresent(builder::mirror);
    get("--vip").ifPresent(builder::vip);
    get("--public-vip").ifPresent(builder::publicVip);
    return builder;
  }
}
