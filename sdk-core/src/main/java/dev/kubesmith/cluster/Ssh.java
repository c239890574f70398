package dev.kubesmith.cluster;

import dev.kubesmith.spec.HostKeyPolicy;
import dev.kubesmith.spec.ImmutableSshSettings;
import dev.kubesmith.spec.SshSettings;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * How to reach the hosts, fluent: {@code Ssh.user("ops").privateKey(key).bastion("bastion")}. A key
 * passphrase is held here only, never in the spec, logs or {@link #toString()}.
 */
public final class Ssh {
  private final ImmutableSshSettings.Builder settings = SshSettings.builder();
  private boolean bastionSet;
  private char[] passphrase;

  private Ssh(String user) {
    settings.user(user);
  }

  /** SSH as this user; commands run through {@code sudo -n} when it is not root. */
  public static Ssh user(String user) {
    return new Ssh(user);
  }

  /** SSH as root with the defaults. */
  public static Ssh root() {
    return new Ssh("root");
  }

  /** An OpenSSH private key file. */
  public Ssh privateKey(Path key) {
    settings.privateKey(key.toString());
    return this;
  }

  /** The key's passphrase, kept in memory only. */
  public Ssh passphrase(char[] passphrase) {
    this.passphrase = passphrase.clone();
    return this;
  }

  public Ssh port(int port) {
    settings.port(port);
    return this;
  }

  /** The bastion host (its inventory name or public address) that every connection goes through. */
  public Ssh bastion(String host) {
    settings.bastion(host);
    bastionSet = true;
    return this;
  }

  /** Record unknown host keys on first connection instead of refusing them. */
  public Ssh trustOnFirstUse() {
    settings.hostKeyPolicy(HostKeyPolicy.TRUST_ON_FIRST_USE);
    return this;
  }

  public Ssh knownHosts(Path file) {
    settings.knownHosts(file.toString());
    return this;
  }

  public Ssh connectTimeoutSeconds(int seconds) {
    settings.connectTimeoutSeconds(seconds);
    return this;
  }

  public Ssh commandTimeoutSeconds(int seconds) {
    settings.commandTimeoutSeconds(seconds);
    return this;
  }

  boolean bastionSet() {
    return bastionSet;
  }

  SshSettings settings(Optional<String> defaultBastion) {
    SshSettings s = settings.build();
    return bastionSet || defaultBastion.isEmpty() ? s : SshSettings.builder().from(s).bastion(defaultBastion.get()).build();
  }

  /** The passphrase, if one was given. */
  public Optional<char[]> passphrase() {
    return Optional.ofNullable(passphrase).map(p -> Arrays.copyOf(p, p.length));
  }

  @Override
  public String toString() {
    return "Ssh{" + settings.build().user() + (passphrase != null ? ", passphrase=***" : "") + "}";
  }
}
