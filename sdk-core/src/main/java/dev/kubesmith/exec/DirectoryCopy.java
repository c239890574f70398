package dev.kubesmith.exec;

import dev.kubesmith.internal.Sha256;
import dev.kubesmith.ssh.CommandResult;
import dev.kubesmith.ssh.HostConnection;
import dev.kubesmith.ssh.SshException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a local directory to a host's directory ({@link dev.kubesmith.plan.Step#directories()}):
 * reads the SHA-256 of every file there with one command, sends only the files that differ (each
 * written atomically, so an interrupted copy leaves whole files and a re-run sends the rest), then
 * removes the files the local directory lacks. A file named {@code MANIFEST.sha256} goes last, so a
 * copy cut off half-way never holds the new manifest beside old files.
 */
final class DirectoryCopy {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryCopy.class);
  static final String LAST = "MANIFEST.sha256";

  /** What one copy did. */
  record Result(int sent, long bytesSent, int kept, int removed) {}

  private DirectoryCopy() {}

  static Result copy(HostConnection c, Path local, String remote, Duration timeout) {
    Map<String, String> wanted = digests(local);
    String q = HostConnection.quote(remote);
    CommandResult listing = c.run("if [ -d " + q + " ]; then cd " + q + " && find . -type f -exec sha256sum {} +; fi",
        timeout);
    if (!listing.ok()) {
      throw new SshException(c.host(), SshException.Kind.OTHER, "could not read the files of " + remote + " (exit "
          + listing.exitCode() + "): " + listing.stderrTail(5), null);
    }
    Map<String, String> there = new HashMap<>();
    listing.stdout().lines().map(String::strip).filter(l -> l.length() > 66).forEach(l ->
        there.put(l.substring(66).replaceFirst("^\\./", ""), l.substring(0, 64)));
    List<String> send = new ArrayList<>();
    wanted.forEach((file, sha) -> {
      if (!sha.equals(there.get(file))) {
        send.add(file);
      }
    });
    send.sort((a, b) -> Boolean.compare(a.equals(LAST), b.equals(LAST)));
    long bytes = 0;
    for (String file : send) {
      try {
        byte[] content = Files.readAllBytes(local.resolve(file));
        c.upload(remote + "/" + file, content, 0644, "root:root");
        bytes += content.length;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + local.resolve(file) + ": " + e.getMessage(), e);
      }
    }
    List<String> stale = there.keySet().stream().filter(f -> !wanted.containsKey(f)).sorted().toList();
    if (!stale.isEmpty()) {
      StringBuilder rm = new StringBuilder("cd " + q + " && rm -f --");
      stale.forEach(f -> rm.append(' ').append(HostConnection.quote("./" + f)));
      CommandResult r = c.run(rm.toString(), timeout);
      if (!r.ok()) {
        throw new SshException(c.host(), SshException.Kind.OTHER, "could not remove old files of " + remote + ": "
            + r.stderrTail(5), null);
      }
    }
    Result result = new Result(send.size(), bytes, wanted.size() - send.size(), stale.size());
    LOG.info("{}: {} -> {}: sent {} files ({} bytes), {} already there, {} removed", c.host(), local, remote,
        result.sent(), result.bytesSent(), result.kept(), result.removed());
    return result;
  }

  private static Map<String, String> digests(Path local) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(local)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        String rel = local.relativize(p).toString();
        if (rel.contains("\n") || rel.startsWith("-")) {
          throw new IllegalArgumentException("cannot copy a file named " + rel + " from " + local);
        }
        out.put(rel, Sha256.hex(Files.readAllBytes(p)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the directory " + local + " to copy: " + e.getMessage(), e);
    }
    return out;
  }
}
