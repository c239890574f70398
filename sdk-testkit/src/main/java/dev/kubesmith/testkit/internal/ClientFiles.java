package dev.kubesmith.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The files a client of the sandbox uses: the OpenSSH key pair (no passphrase), a known_hosts with
 * every host's key under its name and addresses, and an ssh_config so that
 * {@code ssh -F <dir>/ssh_config master1} jumps through the bastion with strict host keys.
 */
public final class ClientFiles {
  private final Path dir;

  public ClientFiles(Path sandboxDir) {
    this.dir = sandboxDir;
  }

  public Path key() {
    return dir.resolve("client").resolve("id_ed25519");
  }

  public Path knownHosts() {
    return dir.resolve("known_hosts");
  }

  public Path sshConfig() {
    return dir.resolve("ssh_config");
  }

  /** Generates the key pair; returns the public key line. */
  public String createKey() {
    try {
      Files.createDirectories(key().getParent());
      Proc.check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "kubesmith-sandbox", "-f", key().toString());
      return Files.readString(Path.of(key() + ".pub")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the sandbox client key: " + e.getMessage(), e);
    }
  }

  /** Writes known_hosts and ssh_config for the hosts and their current keys. */
  public void write(List<HostRuntime> hosts, String bastionAddress) {
    List<String> known = new ArrayList<>();
    List<String> config = new ArrayList<>(List.of(
        "# OpenSSH client config for this kubesmith sandbox: ssh -F " + sshConfig() + " <host>",
        "Host *",
        "  User root",
        "  IdentityFile " + key(),
        "  IdentitiesOnly yes",
        "  UserKnownHostsFile " + knownHosts(),
        "  GlobalKnownHostsFile /dev/null",
        "  StrictHostKeyChecking yes",
        "  BatchMode yes",
        "  ConnectTimeout 10"));
    for (HostRuntime h : hosts) {
      HostPlan p = h.plan();
      Set<String> names = new LinkedHashSet<>();
      if (p.bastion()) {
        names.add(bastionAddress);
      }
      names.add(p.privateIp());
      names.add(p.name());
      p.publicIp().ifPresent(names::add);
      known.add(String.join(",", names) + " " + h.hostKey());
      config.add("");
      config.add("Host " + p.name());
      config.add("  HostName " + (p.bastion() ? bastionAddress : p.privateIp()));
      if (!p.bastion()) {
        config.add("  ProxyJump root@" + bastionAddress);
      }
    }
    // by address too; the bastion's private address is reached over its link, never routed from here
    for (HostRuntime h : hosts) {
      config.add("");
      config.add("Host " + h.plan().privateIp());
      if (h.plan().bastion()) {
        config.add("  HostName " + bastionAddress);
      } else {
        config.add("  ProxyJump root@" + bastionAddress);
      }
    }
    try {
      Files.writeString(knownHosts(), String.join("\n", known) + "\n");
      Files.writeString(sshConfig(), String.join("\n", config) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the sandbox's known_hosts: " + e.getMessage(), e);
    }
  }
}
