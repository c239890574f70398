package dev.kubesmith.cli;

import dev.kubesmith.addons.ingress.BasicAuth;
import dev.kubesmith.addons.logging.Logging;
import dev.kubesmith.addons.monitoring.KubePrometheus;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.component.Component;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The generated basic-auth passwords of the web UIs (Grafana, Prometheus, Alertmanager, Kibana), kept
 * in {@code <state dir>/credentials} (mode 0600) by {@code apply} and printed by {@code kubesmith
 * credentials}: the cluster holds only their bcrypt hashes, and a generated password takes effect on
 * the first install only, so this file is the one place a CLI user can read it. An entry is written
 * once and never replaced; a later apply reuses it. Passwords are never logged.
 *
 * <pre>
 * # kubesmith credentials: user=password per line, with the UIs' addresses
 * kube-prometheus.url=https://grafana.example.com https://prometheus.example.com https://alertmanager.example.com
 * kube-prometheus.user.admin=...
 * </pre>
 */
final class WebUiCredentials {
  static final String FILE = "credentials";
  private static final String USER = ".user.";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private WebUiCredentials() {}

  static Path file(Path stateDir) {
    return stateDir.resolve(FILE);
  }

  /** The entries of the state directory's file (empty when there is none), in key order. */
  static Map<String, String> read(Path stateDir) {
    Path f = file(stateDir);
    Map<String, String> entries = new TreeMap<>();
    if (!Files.isRegularFile(f)) {
      return entries;
    }
    try {
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (!line.startsWith("#") && eq > 0) {
          entries.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
    }
    return entries;
  }

  /** The password stored for a user of an addon ("kube-prometheus", "logging"), if any. */
  static Optional<String> password(Map<String, String> entries, String addon, String user) {
    return Optional.ofNullable(entries.get(addon + USER + user));
  }

  /** (addon, user) pairs of the stored entries. */
  static List<String[]> users(Map<String, String> entries) {
    List<String[]> users = new ArrayList<>();
    entries.keySet().stream().filter(k -> k.contains(USER))
        .forEach(k -> users.add(new String[] {k.substring(0, k.indexOf(USER)), k.substring(k.indexOf(USER) + USER.length())}));
    return users;
  }

  static Optional<String> urls(Map<String, String> entries, String addon) {
    return Optional.ofNullable(entries.get(addon + ".url"));
  }

  /**
   * Adds the cluster's generated passwords that the file does not hold yet (an entry already there is
   * kept: it is the one the cluster got); writes nothing when nothing is new. True when it wrote.
   */
  static boolean record(Path stateDir, Cluster cluster) {
    Map<String, String> entries = read(stateDir);
    boolean changed = false;
    for (Component c : cluster.components()) {
      String addon = c.name();
      Optional<BasicAuth> auth = c instanceof KubePrometheus kp ? kp.basicAuth()
          : c instanceof Logging l ? l.basicAuth() : Optional.empty();
      List<String> hosts = c instanceof KubePrometheus kp ? kp.hosts()
          : c instanceof Logging l ? l.kibanaHost().stream().toList() : List.of();
      for (Map.Entry<String, String> e : auth.map(BasicAuth::generatedPasswords).orElse(Map.of()).entrySet()) {
        changed |= entries.putIfAbsent(addon + USER + e.getKey(), e.getValue()) == null;
        if (!hosts.isEmpty()) {
          entries.putIfAbsent(addon + ".url", "https://" + String.join(" https://", hosts));
        }
      }
    }
    if (changed) {
      write(stateDir, entries);
    }
    return changed;
  }

  /** Written to a 0600 temporary file beside it, then moved over it: never readable by others, never half-written. */
  private static void write(Path stateDir, Map<String, String> entries) {
    StringBuilder text = new StringBuilder("# kubesmith: the generated passwords of the web UIs' basic auth; "
        + "keep this file private (mode 0600)\n");
    entries.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    Path tmp = null;
    try {
      Files.createDirectories(stateDir);
      tmp = Files.createTempFile(stateDir, ".credentials", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file(stateDir), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file(stateDir) + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the move took it, or there is nothing left to clean up
        }
      }
    }
  }

  /** True when group or others may read the file (the user then gets a warning with the fix). */
  static boolean readableByOthers(Path stateDir) {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file(stateDir));
      return p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
