package dev.kubesmith.ssh;

import dev.kubesmith.spec.HostKeyPolicy;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

/**
 * Verifies host keys against an OpenSSH known_hosts file: strictly, or recording unknown keys on
 * first use. A changed key is always refused, and the reason names the host and both SHA-256
 * fingerprints. One instance per connection, so the reason belongs to that connection.
 */
final class KnownHostsVerifier implements HostKeyVerifier {
  private static final Object FILE_LOCK = new Object();
  private final Path file;
  private final HostKeyPolicy policy;
  private String rejection;

  KnownHostsVerifier(Path file, HostKeyPolicy policy) {
    this.file = file;
    this.policy = policy;
  }

  /** Why the last key was refused, if it was. */
  Optional<String> rejection() {
    return Optional.ofNullable(rejection);
  }

  @Override
  public boolean verify(String hostname, int port, PublicKey key) {
    synchronized (FILE_LOCK) {
      try {
        return known().verify(hostname, port, key);
      } catch (IOException e) {
        rejection = "cannot read known_hosts " + file + ": " + e.getMessage();
        return false;
      }
    }
  }

  @Override
  public List<String> findExistingAlgorithms(String hostname, int port) {
    synchronized (FILE_LOCK) {
      try {
        return known().findExistingAlgorithms(hostname, port);
      } catch (IOException e) {
        return List.of();
      }
    }
  }

  /** Parsed files by path, reused while the file's size and modification time stay the same. */
  private static final java.util.Map<Path, Parsed> PARSED = new java.util.HashMap<>();

  private record Parsed(long modified, long size, List<OpenSSHKnownHosts.KnownHostEntry> entries) {}

  private OpenSSHKnownHosts known() throws IOException {
    if (!Files.exists(file)) {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.createFile(file);
    }
    Path key = file.toAbsolutePath();
    long modified = Files.getLastModifiedTime(key).toMillis();
    long size = Files.size(key);
    Parsed p = PARSED.get(key);
    String text = null;
    if (p == null || p.modified() != modified || p.size() != size) {
      text = Files.readString(key);
    }
    OpenSSHKnownHosts hosts = text != null ? parse(new java.io.StringReader(text)) : parse(new java.io.StringReader(""));
    if (text != null) {
      PARSED.put(key, new Parsed(modified, size, List.copyOf(hosts.entries())));
    } else {
      hosts.entries().addAll(p.entries());
    }
    return hosts;
  }

  private OpenSSHKnownHosts parse(java.io.Reader text) throws IOException {
    return new OpenSSHKnownHosts(text) {
      @Override
      protected boolean hostKeyUnverifiableAction(String host, PublicKey key) {
        if (policy == HostKeyPolicy.TRUST_ON_FIRST_USE) {
          return record(host, key);
        }
        rejection = "host key " + fingerprint(key) + " of " + host + " is not in " + file
            + "; add it (ssh-keyscan " + host + " >> " + file + ", after checking the fingerprint) or choose Ssh.trustOnFirstUse()";
        return false;
      }

      @Override
      protected boolean hostKeyChangedAction(String host, PublicKey key) {
        rejection = "host key of " + host + " CHANGED: known_hosts " + file + " has " + knownFingerprint(host, key)
            + " but the host offered " + fingerprint(key) + "; if the host was rebuilt, check the new fingerprint"
            + " out of band, remove its old line (ssh-keygen -R '" + host + "' -f " + file + ") and add the new key,"
            + " otherwise treat this as an attack. Running the build again fails the same way until known_hosts is fixed";
        return false;
      }
    };
  }

  @Override
  public String toString() {
    return "KnownHostsVerifier{" + file + ", " + policy + "}";
  }

  private boolean record(String host, PublicKey key) {
    String line = host + " " + KeyType.fromKey(key) + " "
        + Base64.getEncoder().encodeToString(blob(key)) + System.lineSeparator();
    try {
      Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      return true;
    } catch (IOException e) {
      rejection = "cannot record the host key of " + host + " in " + file + ": " + e.getMessage();
      return false;
    }
  }

  private String knownFingerprint(String host, PublicKey offered) {
    try {
      for (String line : Files.readAllLines(file)) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 3 && !line.startsWith("#") && f[1].equals(KeyType.fromKey(offered).toString())
            && new OpenSSHKnownHosts(new java.io.StringReader(line)).entries().get(0).appliesTo(host)) {
          return "SHA256:" + sha256(Base64.getDecoder().decode(f[2]));
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      return "an unreadable key";
    }
    return "another key";
  }

  static String fingerprint(PublicKey key) {
    return "SHA256:" + sha256(blob(key));
  }

  private static byte[] blob(PublicKey key) {
    return new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
  }

  private static String sha256(byte[] data) {
    return Base64.getEncoder().withoutPadding().encodeToString(dev.kubesmith.internal.Sha256.digest().digest(data));
  }

  static File defaultFile() {
    return new File(OpenSSHKnownHosts.detectSSHDir(), "known_hosts");
  }
}
