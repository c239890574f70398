package dev.kubesmith.cli;

import dev.kubesmith.cluster.Ssh;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.HostKeyPolicy;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Role;
import dev.kubesmith.spec.SshSettings;
import dev.kubesmith.ssh.Redactor;
import dev.kubesmith.ssh.SshConnector;
import dev.kubesmith.ssh.SshTarget;
import java.util.List;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * How the CLI reaches the hosts, shared by {@code apply} and {@code status} (a picocli mixin). An
 * encrypted key's passphrase comes from {@code --key-passphrase-file} or the environment variable
 * {@value #PASSPHRASE_ENV}, never from the command line (it would show in the process list).
 */
final class SshOptions {
  /** The environment variable holding the passphrase of an encrypted --ssh-key. */
  static final String PASSPHRASE_ENV = "KUBESMITH_SSH_KEY_PASSPHRASE";

  @Option(names = "--ssh-user", paramLabel = "USER",
      description = "The SSH login on every host; commands run through 'sudo -n' unless it is root. Default: root.")
  String sshUser;

  @Option(names = "--ssh-key", paramLabel = "FILE",
      description = "An OpenSSH private key; default: the SSH client's default identity files "
          + "(~/.ssh/id_ed25519, id_ecdsa, id_rsa).")
  Path sshKey;

  @Option(names = "--key-passphrase-file", paramLabel = "FILE",
      description = "A file whose first line is the passphrase of an encrypted --ssh-key; default: the "
          + "environment variable " + PASSPHRASE_ENV + " when set, else the key is not encrypted.")
  Path passphraseFile;

  @Option(names = "--known-hosts", paramLabel = "FILE",
      description = "The known_hosts file host keys are checked against; default: ~/.ssh/known_hosts.")
  Path knownHosts;

  @Option(names = "--trust-on-first-use",
      description = "Record unknown host keys on first connection instead of refusing them.")
  boolean trustOnFirstUse;

  @Option(names = "--bastion", paramLabel = "NAME",
      description = "The host every connection goes through (its inventory name or public address); "
          + "default: the inventory's host with role bastion, if there is exactly one.")
  String bastion;

  /** Where the environment comes from; tests replace it. */
  Map<String, String> environment = System.getenv();

  /** The SSH settings, or empty with every problem of the SSH options added. */
  Optional<Ssh> ssh(Failures failures) {
    return ssh(SshSettings.defaults(), failures);
  }

  /**
   * The SSH settings of {@code base} (a spec's, read from YAML) with the options given here in place
   * of its values, or empty with every problem of the SSH options added.
   */
  Optional<Ssh> ssh(SshSettings base, Failures failures) {
    int before = failures.count();
    check(failures);
    Optional<char[]> passphrase = passphrase(failures);
    if (failures.count() > before) {
      return Optional.empty();
    }
    Ssh ssh = Ssh.user(sshUser == null ? base.user() : sshUser).port(base.port())
        .connectTimeoutSeconds(base.connectTimeoutSeconds()).commandTimeoutSeconds(base.commandTimeoutSeconds());
    Optional.ofNullable(sshKey).or(() -> base.privateKey().map(Path::of)).ifPresent(ssh::privateKey);
    Optional.ofNullable(knownHosts).or(() -> base.knownHosts().map(Path::of)).ifPresent(ssh::knownHosts);
    Optional.ofNullable(bastion).or(base::bastion).ifPresent(ssh::bastion);
    passphrase.ifPresent(ssh::passphrase);
    if (trustOnFirstUse || base.hostKeyPolicy() == HostKeyPolicy.TRUST_ON_FIRST_USE) {
      ssh.trustOnFirstUse();
    }
    return Optional.of(ssh);
  }

  /**
   * For commands that need no cluster spec ({@code backup now}): a connector to the bastion of the
   * inventory (the one --bastion names, else its only host with role bastion), empty inside when it
   * has none; empty outside with every problem added. The same settings as {@link #ssh}.
   */
  Optional<Optional<SshConnector>> bastionConnector(Inventory inventory, Failures failures) {
    Optional<Ssh> checked = ssh(failures);
    if (checked.isEmpty()) {
      return Optional.empty();
    }
    var settings = SshSettings.builder().user(sshUser == null ? "root" : sshUser);
    Optional.ofNullable(sshKey).ifPresent(k -> settings.privateKey(k.toString()));
    Optional.ofNullable(knownHosts).ifPresent(k -> settings.knownHosts(k.toString()));
    if (trustOnFirstUse) {
      settings.hostKeyPolicy(HostKeyPolicy.TRUST_ON_FIRST_USE);
    }
    SshSettings ssh = settings.build();
    List<Host> bastions = inventory.withRole(Role.BASTION);
    Optional<SshTarget> target;
    if (bastion != null) {
      target = Optional.of(bastions.stream()
          .filter(h -> h.name().equals(bastion) || bastion.equals(h.publicIp().orElse(null)) || h.privateIp().equals(bastion))
          .findFirst().map(h -> target(h, ssh))
          .orElseGet(() -> new SshTarget(bastion, bastion, ssh.port(), ssh.user())));
    } else if (bastions.size() > 1) {
      failures.add(KubesmithCli.INVALID_INPUT, "--bastion: the inventory has several hosts with role bastion "
          + bastions.stream().map(Host::name).toList() + "; name the one to go through with --bastion");
      return Optional.empty();
    } else {
      target = bastions.stream().findFirst().map(h -> target(h, ssh));
    }
    return Optional.of(target.map(t -> new SshConnector(ssh, Optional.of(t), checked.get().passphrase(), new Redactor())));
  }

  private static SshTarget target(Host h, SshSettings ssh) {
    return new SshTarget(h.name(), h.publicIp().orElse(h.privateIp()), h.sshPort().orElse(ssh.port()),
        h.sshUser().orElse(ssh.user()));
  }

  private void check(Failures failures) {
    if (sshUser != null && !sshUser.matches("[a-z_][a-z0-9_.-]*")) {
      failures.add(KubesmithCli.INVALID_INPUT, "--ssh-user '" + sshUser + "': is not a user name");
    }
    if (sshKey != null && (!Files.isRegularFile(sshKey) || !Files.isReadable(sshKey))) {
      failures.add(KubesmithCli.INVALID_INPUT, "--ssh-key " + sshKey + ": no such readable file; give an "
          + "OpenSSH private key");
    }
    if (knownHosts != null && Files.exists(knownHosts) && !Files.isRegularFile(knownHosts)) {
      failures.add(KubesmithCli.INVALID_INPUT, "--known-hosts " + knownHosts + ": is not a file");
    } else if (knownHosts != null && !Files.exists(knownHosts) && !trustOnFirstUse) {
      failures.add(KubesmithCli.INVALID_INPUT, "--known-hosts " + knownHosts + ": no such file; give the hosts' "
          + "keys, or add --trust-on-first-use to record them on first connection");
    }
  }

  /** The passphrase from --key-passphrase-file, else the environment; an empty one is a mistake. */
  private Optional<char[]> passphrase(Failures failures) {
    if (passphraseFile != null) {
      if (!Files.isRegularFile(passphraseFile) || !Files.isReadable(passphraseFile)) {
        failures.add(KubesmithCli.INVALID_INPUT, "--key-passphrase-file " + passphraseFile + ": no such readable "
            + "file; write the key's passphrase on its first line (mode 0600)");
        return Optional.empty();
      }
      String first;
      try {
        first = Files.readString(passphraseFile, StandardCharsets.UTF_8).lines().findFirst().orElse("");
      } catch (IOException e) {
        failures.add(KubesmithCli.INVALID_INPUT, "--key-passphrase-file " + passphraseFile + ": " + e.getMessage());
        return Optional.empty();
      }
      if (first.isEmpty()) {
        failures.add(KubesmithCli.INVALID_INPUT, "--key-passphrase-file " + passphraseFile + ": the first line is "
            + "empty; write the key's passphrase on it, or leave the option out for a key without passphrase");
        return Optional.empty();
      }
      return Optional.of(first.toCharArray());
    }
    String env = environment.get(PASSPHRASE_ENV);
    if (env != null && env.isEmpty()) {
      failures.add(KubesmithCli.INVALID_INPUT, PASSPHRASE_ENV + " is set but empty; set it to the key's passphrase, "
          + "or unset it for a key without passphrase");
      return Optional.empty();
    }
    return Optional.ofNullable(env).map(String::toCharArray);
  }
}
