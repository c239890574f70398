package dev.kubesmith.testkit;

import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.internal.HostRuntime;
import dev.kubesmith.testkit.internal.Stubs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One simulated host of a {@link Sandbox}: run commands in it, read its files, see which stubbed
 * commands were called, and inject faults.
 *
 * <pre>{@code
 * SandboxHost m1 = sandbox.host("master1");
 * m1.failNext("apt-get", 2, 100);          // the next two apt-get calls fail with the dpkg lock message
 * m1.exec("sh", "-c", "apt-get update || apt-get update || apt-get update");
 * assertThat(m1.calls("apt-get")).extracting(Call::exitCode).containsExactly(100, 100, 0);
 * assertThat(m1.readFile("/etc/hostname")).isEqualTo("master1\n");
 * }</pre>
 */
public final class SandboxHost {
  private final HostRuntime runtime;
  private final ScheduledExecutorService timers;

  SandboxHost(HostRuntime runtime, ScheduledExecutorService timers) {
    this.runtime = runtime;
    this.timers = timers;
  }

  HostRuntime runtime() {
    return runtime;
  }

  public String name() {
    return runtime.plan().name();
  }

  /** The host's address on the private bridge (eth0). */
  public String privateIp() {
    return runtime.plan().privateIp();
  }

  /** The host's address on the public bridge (eth1), if it has one. */
  public Optional<String> publicIp() {
    return runtime.plan().publicIp();
  }

  public Set<Role> roles() {
    return runtime.plan().roles();
  }

  /** The host's network namespace, e.g. for {@code ip netns exec <namespace> ...} while debugging. */
  public String namespace() {
    return runtime.namespace();
  }

  /**
   * Runs a command as root inside the host (its network, mounts and hostname), with the PATH an SSH
   * session has, stubs first. Waits up to two minutes; never throws for a non-zero exit.
   */
  public ExecResult exec(String... command) {
    if (command.length == 0) {
      throw new IllegalArgumentException("give a command, e.g. exec(\"cat\", \"/etc/hosts\")");
    }
    return runtime.exec(List.of(command));
  }

  /** A file's content as the host sees it (its own /etc, /var, /root, ..., also /proc/sys of its namespace). */
  public String readFile(String path) {
    // a stream, not Files.readString: /proc/sys files report size 0 and answer only one read
    try (InputStream in = Files.newInputStream(runtime.path(path))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + " on " + name() + ": " + e.getMessage(), e);
    }
  }

  /** Writes a file inside the host (creating its directories), e.g. to set up a test's precondition. */
  public void writeFile(String path, String content) {
    Path p = runtime.path(path);
    try {
      Files.createDirectories(p.getParent());
      Files.writeString(p, content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path + " on " + name() + ": " + e.getMessage(), e);
    }
  }

  /** Every call of a stubbed command on this host so far, oldest first. */
  public List<Call> calls() {
    return runtime.calls();
  }

  /** The calls of one stubbed command, e.g. {@code calls("kubeadm")}. */
  public List<Call> calls(String command) {
    return runtime.calls().stream().filter(c -> c.command().equals(command)).toList();
  }

  /**
   * Makes the next {@code times} calls of a stubbed command fail with {@code exitCode} and a
   * realistic message (apt-get: the dpkg lock). Replaces an earlier fault for the same command.
   */
  public void failNext(String command, int times, int exitCode) {
    failNext(command, times, exitCode, Stubs.defaultFailure(command, exitCode));
  }

  /** As {@link #failNext(String, int, int)} with the stderr text given. */
  public void failNext(String command, int times, int exitCode, String stderr) {
    if (!Stubs.COMMANDS.contains(command)) {
      throw new IllegalArgumentException("'" + command + "' is not a stubbed command; faults can be injected into "
          + Stubs.COMMANDS.stream().sorted().toList());
    }
    if (times < 1 || exitCode < 1 || exitCode > 255) {
      throw new IllegalArgumentException("failNext needs times >= 1 and an exit code 1-255: " + times + ", " + exitCode);
    }
    runtime.failNext(command, times, exitCode, Objects.requireNonNull(stderr, "stderr"));
  }

  /**
   * Silently drops every packet to this host's SSH port for the duration, so connection attempts
   * (and open sessions) time out; then lets them through again. Returns at once.
   */
  public void dropConnections(Duration duration) {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("dropConnections needs a positive duration: " + duration);
    }
    runtime.dropConnections(duration, timers);
  }

  /**
   * Adds a login user (e.g. {@code ops}) that the sandbox's client key logs in as, with passwordless
   * sudo, as a cloud image's default user: for builds with {@code Ssh.user("ops")}. Add it on the
   * bastion too when the build reaches the hosts through it as that user. Needs sudo on the machine.
   */
  public void addSudoUser(String user) {
    runtime.addSudoUser(user);
  }

  /** Stops this host's sshd: new connections are refused; open sessions stay. */
  public void refuseConnections() {
    runtime.refuseConnections();
  }

  /** Starts this host's sshd again after {@link #refuseConnections()}; returns once it listens. */
  public void acceptConnections() {
    runtime.acceptConnections();
  }

  /**
   * Gives the host a new host key and restarts its sshd. The sandbox's known_hosts keeps the old
   * key, so strict clients now refuse the host; {@link #hostKey()} is the new one.
   */
  public void changeHostKey() {
    runtime.changeHostKey();
  }

  /**
   * Stops this master's Kubernetes API server, as a crashed kube-apiserver: its private IP :6443
   * refuses connections (so haproxy's health check routes around it) and open connections end. sshd
   * and everything else keep running. Returns once the port is closed.
   *
   * @throws IllegalStateException unless this is a MASTER of a sandbox built with {@link Sandbox.Builder#apiServer}
   */
  public void stopApiServer() {
    runtime.stopApiServer();
  }

  /**
   * Starts this master's Kubernetes API server again (does nothing if it runs); returns once its
   * private IP :6443 accepts connections. {@code kubeadm init} and a master's {@code kubeadm join}
   * start it too.
   *
   * @throws IllegalStateException unless this is a MASTER of a sandbox built with {@link Sandbox.Builder#apiServer}
   */
  public void startApiServer() {
    runtime.startApiServer();
  }

  /** Whether this master's Kubernetes API server runs; false for hosts that serve none. */
  public boolean apiServerRunning() {
    return runtime.servesApi() && runtime.apiServerRunning();
  }

  /** The host's current public key, {@code ssh-ed25519 AAAA...}. */
  public String hostKey() {
    return runtime.hostKey();
  }

  @Override
  public String toString() {
    return name() + " (" + privateIp() + publicIp().map(p -> ", " + p).orElse("") + ")";
  }
}
