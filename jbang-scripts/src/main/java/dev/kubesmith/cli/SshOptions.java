package dev.kubesmith.cli;

import dev.kubesmith.cluster.Ssh;
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
    int before = failures.count();
    check(failures);
    Optional<char[]> passphrase = passphrase(failures);
    if (failures.count() > before) {
      return Optional.empty();
    }
    Ssh ssh = Ssh.user(sshUser == null ? "root" : sshUser);
    Optional.ofNullable(sshKey).ifPresent(ssh::privateKey);
    Optional.ofNullable(knownHosts).ifPresent(ssh::knownHosts);
    Optional.ofNullable(bastion).ifPresent(ssh::bastion);
    passphrase.ifPresent(ssh::passphrase);
    if (trustOnFirstUse) {
      ssh.trustOnFirstUse();
    }
    return Optional.of(ssh);
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
