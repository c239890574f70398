package dev.kubesmith.testkit.internal;

import dev.kubesmith.testkit.SandboxException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One simulated host's OpenSSH server: its own ed25519 host key and config in the host's state
 * directory (seen inside the host as {@code /run/kubesmith}), run in the foreground inside the
 * host's network, mount and UTS namespaces. Ready once it has written its pid file, which sshd does
 * only after binding its listen addresses.
 */
final class SshDaemon {
  static final String KEY = "ssh_host_ed25519_key";
  private static final long READY_MILLIS = 15_000;
  private final HostPlan host;
  private final Path state;
  private final Path log;
  private String bastionAddress;
  private Process process;

  SshDaemon(HostPlan host, Path state, Path log) {
    this.host = host;
    this.state = state;
    this.log = log;
  }

  /** Writes the config and a new host key; a bastion also listens on {@code bastionAddress}. */
  void prepare(String bastionAddress) throws IOException {
    this.bastionAddress = bastionAddress;
    Files.writeString(state.resolve("sshd_config"), config());
    newKey();
  }

  /** Replaces the host key with a fresh one (the running server keeps the old one until restarted). */
  void newKey() throws IOException {
    Files.deleteIfExists(state.resolve(KEY));
    Files.deleteIfExists(state.resolve(KEY + ".pub"));
    Proc.check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "root@" + host.name(),
        "-f", state.resolve(KEY).toString());
  }

  /** The public host key as known_hosts wants it: {@code ssh-ed25519 AAAA...}. */
  String publicKey() {
    try {
      String[] parts = Files.readString(state.resolve(KEY + ".pub")).trim().split("\\s+");
      return parts[0] + " " + parts[1];
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the host key of " + host.name(), e);
    }
  }

  synchronized boolean running() {
    return process != null && process.isAlive();
  }

  /** Starts sshd inside the namespaces held by {@code holderPid} and waits until it listens. */
  synchronized void start(long holderPid) {
    if (running()) {
      return;
    }
    Path pidFile = Path.of("/proc", String.valueOf(holderPid), "root", "run", "sshd.pid");
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      throw new SandboxException("host " + host.name() + ": cannot reach its /run: " + e.getMessage(), e);
    }
    List<String> argv = List.of("nsenter", "-t", String.valueOf(holderPid), "-n", "-m", "-u", "--",
        "/usr/sbin/sshd", "-D", "-e", "-f", "/run/kubesmith/sshd_config");
    ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("PATH", Proc.HOST_PATH);
    process = Proc.start(pb, argv);
    String expected = String.valueOf(process.pid());
    long deadline = System.currentTimeMillis() + READY_MILLIS;
    while (!expected.equals(read(pidFile))) {
      if (!process.isAlive() || System.currentTimeMillis() > deadline) {
        process.destroyForcibly();
        throw new SandboxException("sshd of host " + host.name() + " did not start: " + tail(log));
      }
      pause();
    }
  }

  /** Stops sshd as {@code systemctl stop ssh} would: the listener goes, open sessions stay. */
  synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  private String config() {
    List<String> lines = new ArrayList<>();
    lines.add("# sshd of the simulated host " + host.name() + ", written by the kubesmith sandbox");
    lines.add("ListenAddress " + host.privateIp());
    if (host.bastion()) {
      lines.add("ListenAddress " + bastionAddress);
    }
    lines.add("HostKey /run/kubesmith/" + KEY);
    lines.add("PidFile /run/sshd.pid");
    // root's keys in the state directory; other users (see SandboxHost.addSudoUser) in their home, as sshd reads them as the user
    lines.add("AuthorizedKeysFile /run/kubesmith/authorized_keys .ssh/authorized_keys");
    lines.add("PermitRootLogin prohibit-password");
    lines.add("PasswordAuthentication no");
    lines.add("KbdInteractiveAuthentication no");
    lines.add("UsePAM no");
    lines.add("UseDNS no");
    lines.add("PrintMotd no");
    lines.add("PrintLastLog no");
    lines.add("MaxStartups 200:30:400");
    lines.add("MaxSessions 64");
    if (host.bastion()) {
      lines.add("AllowTcpForwarding yes");
    }
    lines.add("Subsystem sftp internal-sftp");
    return String.join("\n", lines) + "\n";
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      return "";
    }
  }

  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void pause() {
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxException("interrupted while starting sshd", e);
    }
  }
}
