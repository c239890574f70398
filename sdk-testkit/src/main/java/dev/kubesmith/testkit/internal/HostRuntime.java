package dev.kubesmith.testkit.internal;

import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.Call;
import dev.kubesmith.testkit.ExecResult;
import dev.kubesmith.testkit.SandboxException;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated host on the machine: a network namespace with eth0 on the private bridge (eth1 on
 * the public one when it has a public IP, ext0 to the test JVM for the bastion), a mount and UTS
 * namespace held by a sleeping "holder" process, with overlays over /etc, /var, /usr/local, /opt,
 * /srv, /home, a fresh /root, tmpfs /run and /tmp, the rest of the file system read-only, and its own
 * sshd. Internal: tests use {@code SandboxHost}.
 */
public final class HostRuntime {
  /** Directories each host gets its own copy-on-write layer of, when the machine has them. */
  static final List<String> OVERLAID = List.of("/etc", "/var", "/usr/local", "/opt", "/srv", "/home");
  private static final Logger LOG = LoggerFactory.getLogger(HostRuntime.class);
  private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(120);
  /** Starts, stops and reports a master's API forwarder inside the host (see the stub api.sh). */
  private static final String API_SCRIPT = "/usr/local/sbin/.kubesmith/api.sh";
  private static final String DROP_IN = "PREROUTING -p tcp --dport 22 -m comment --comment kubesmith-sandbox-drop -j DROP";
  /** Both directions, as a real outage: the server's output and exit status are lost too. */
  private static final String DROP_OUT = "OUTPUT -p tcp --sport 22 -m comment --comment kubesmith-sandbox-drop -j DROP";
  private final String id;
  private final HostPlan plan;
  private final Path dir;
  private final Path state;
  private final SshDaemon sshd;
  private final InetSocketAddress apiServer;
  private final ApiBridge bridge;
  private volatile Process holder;

  public HostRuntime(String id, HostPlan plan, Path sandboxDir) {
    this(id, plan, sandboxDir, null);
  }

  /**
   * A host of a sandbox whose masters serve the Kubernetes API at {@code apiServer} (null: none);
   * a master gets an {@link ApiBridge} to it and a forwarder on its private IP :6443.
   */
  public HostRuntime(String id, HostPlan plan, Path sandboxDir, InetSocketAddress apiServer) {
    this.id = id;
    this.plan = plan;
    this.dir = sandboxDir.resolve("hosts").resolve(plan.name());
    this.state = dir.resolve("state");
    this.sshd = new SshDaemon(plan, state, dir.resolve("sshd.log"));
    this.apiServer = apiServer;
    this.bridge = apiServer != null && plan.roles().contains(Role.MASTER) ? new ApiBridge(id, plan.name(), state, apiServer) : null;
  }

  public HostPlan plan() {
    return plan;
  }

  public String namespace() {
    return Names.hostNamespace(id, plan.name());
  }

  /** Builds the host and starts its sshd; {@code network} is the sandbox's bridge namespace. */
  public void start(Network network, String clientPublicKey, Path stubs) {
    try {
      prepareFiles(clientPublicKey);
      sshd.prepare(network.bastionAddress());
    } catch (IOException e) {
      throw new SandboxException("host " + plan.name() + ": cannot write its files under " + dir + ": " + e.getMessage(), e);
    }
    startHolder(network, stubs);
    sshd.start(holderPid());
    if (bridge != null) {
      bridge.open();
      startApiServer();
    }
  }

  private void prepareFiles(String clientPublicKey) throws IOException {
    Files.createDirectories(dir.resolve("upper").resolve("root"));
    Files.createDirectories(dir.resolve("work").resolve("root"));
    for (String mount : OVERLAID) {
      Files.createDirectories(dir.resolve("upper").resolve(key(mount)));
      Files.createDirectories(dir.resolve("work").resolve(key(mount)));
    }
    Files.createDirectories(state.resolve("faults"));
    Path etc = dir.resolve("upper").resolve(key("/etc"));
    Files.writeString(etc.resolve("hostname"), plan.name() + "\n");
    Files.writeString(etc.resolve("hosts"), "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
        + plan.privateIp() + "\t" + plan.name() + "\n");
    Files.writeString(state.resolve("host"), plan.name() + "\n");
    Files.writeString(state.resolve("address"), plan.privateIp() + "\n");
    Files.writeString(state.resolve("authorized_keys"), clientPublicKey + "\n");
    Files.setPosixFilePermissions(state.resolve("authorized_keys"), PosixFilePermissions.fromString("rw-------"));
    Files.writeString(state.resolve("calls.log"), "");
    if (apiServer != null) {
      // tells the kubeadm stub that the cluster has an API server behind the masters' :6443
      Files.writeString(state.resolve("api-server"), "https://" + apiServer.getHostString() + ":" + apiServer.getPort() + "\n");
    }
  }

  private void startHolder(Network network, Path stubs) {
    String script = network.attach(plan, namespace()) + "\nexec ip netns exec " + namespace()
        + " unshare --mount --uts --propagation private bash -euc \"$1\"\n";
    List<String> argv = List.of("sh", "-euc", script, "kubesmith-sandbox", insideScript(network, stubs));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("holder.log").toFile()));
    pb.environment().put("PATH", Proc.HOST_PATH);
    Process p = Proc.start(pb, argv);
    holder = p;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      if (!"ready".equals(line)) {
        p.waitFor(5, TimeUnit.SECONDS);
        throw new SandboxException("host " + plan.name() + " did not start: "
            + SshDaemon.tail(dir.resolve("holder.log")));
      }
    } catch (IOException e) {
      throw new SandboxException("host " + plan.name() + " did not start: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxException("interrupted while starting host " + plan.name(), e);
    }
  }

  /** Runs inside the new namespaces: addresses, hostname, the host's own file system, then sleeps. */
  private String insideScript(Network network, Path stubs) {
    List<String> s = new ArrayList<>(network.configure(plan));
    s.add("hostname " + plan.name());
    // a fresh root home (the machine's /root, its keys and shell setup stay out of the host)
    s.add(Files.isDirectory(Path.of("/etc/skel")) ? overlay("/etc/skel", "root", "/root")
        : "mount --bind " + dir.resolve("upper").resolve("root") + " /root");
    for (String mount : OVERLAID) {
      if (Files.isDirectory(Path.of(mount))) {
        s.add(overlay(mount, key(mount), mount));
      }
    }
    s.add("mkdir -p /usr/local/sbin");
    s.add("mount -t overlay overlay -o lowerdir=" + stubs + ":/usr/local/sbin /usr/local/sbin");
    s.add("mount -t tmpfs -o mode=0755,size=64m tmpfs /run");
    s.add("mkdir -p /run/sshd /run/lock /run/kubesmith");
    s.add("mount --bind " + state + " /run/kubesmith");
    // last: /tmp hides the sandbox directory (and the client key) from the host
    s.add("mount -t tmpfs -o mode=1777,size=256m tmpfs /tmp");
    s.add("mount -o remount,bind,ro /");
    s.add("echo ready");
    s.add("exec -a " + Names.holderMarker(id, plan.name()) + " sleep infinity");
    return String.join("\n", s) + "\n";
  }

  private String overlay(String lower, String key, String target) {
    return "mount -t overlay overlay -o lowerdir=" + lower + ",upperdir=" + dir.resolve("upper").resolve(key)
        + ",workdir=" + dir.resolve("work").resolve(key) + " " + target;
  }

  private static String key(String mount) {
    return mount.substring(1).replace('/', '-');
  }

  long holderPid() {
    Process p = holder;
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException("host " + plan.name() + " is not running: start() the sandbox first (or it was closed)");
    }
    return p.pid();
  }

  /** Runs a command inside the host's namespaces as root, with the host's PATH (stubs first). */
  public ExecResult exec(List<String> command) {
    List<String> argv = new ArrayList<>(List.of("nsenter", "-t", String.valueOf(holderPid()), "-n", "-m", "-u", "--"));
    argv.addAll(command);
    Map<String, String> env = Map.of("PATH", Proc.HOST_PATH, "HOME", "/root", "USER", "root", "LOGNAME", "root",
        "SHELL", "/bin/bash", "LANG", "C.UTF-8");
    ExecResult r = Proc.run(argv, EXEC_TIMEOUT, env, null);
    return new ExecResult(command, r.exitCode(), r.stdout(), r.stderr());
  }

  /** A path as the host sees it, reached through its holder's root. */
  public Path path(String absolute) {
    if (!absolute.startsWith("/")) {
      throw new IllegalArgumentException("give an absolute path inside the host, e.g. /etc/hosts: " + absolute);
    }
    return Path.of("/proc", String.valueOf(holderPid()), "root", absolute.substring(1));
  }

  public List<Call> calls() {
    return CallLog.read(state.resolve("calls.log"));
  }

  public void failNext(String command, int times, int exitCode, String stderr) {
    Path target = state.resolve("faults").resolve(command);
    Path tmp = state.resolve("faults").resolve("." + command + ".new");
    try {
      Files.writeString(tmp, times + " " + exitCode + "\n" + stderr);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set a fault on " + plan.name() + ": " + e.getMessage(), e);
    }
  }

  /** Drops every packet to and from the host's port 22 (raw table, so the host's own firewall rules are untouched). */
  public void dropConnections(Duration duration, ScheduledExecutorService scheduler) {
    iptables("-I");
    scheduler.schedule(() -> {
      try {
        if (holder != null && holder.isAlive()) {
          iptables("-D");
        }
      } catch (RuntimeException e) {
        LOG.warn("host {}: could not lift the SSH drop rule: {}", plan.name(), e.getMessage());
      }
    }, duration.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void iptables(String op) {
    for (String rule : List.of(DROP_IN, DROP_OUT)) {
      List<String> argv = new ArrayList<>(List.of("iptables", "-w", "5", "-t", "raw", op));
      argv.addAll(List.of(rule.split(" ")));
      exec(argv).requireSuccess();
    }
  }

  /**
   * Adds a login user with the sandbox client's key and passwordless sudo (as cloud images set up
   * their default user); does nothing more when the user exists. Needs sudo on the machine. Its
   * password is {@code *} (none), not {@code !}: sshd without PAM refuses a locked account.
   */
  public void addSudoUser(String user) {
    if (!user.matches("[a-z_][a-z0-9_-]{0,31}")) {
      throw new IllegalArgumentException("a user name is lower-case letters, digits, '_' and '-', e.g. ops: " + user);
    }
    Machine.requireTool("sudo", "sudo", "for hosts with a non-root SSH user (SandboxHost.addSudoUser)");
    String script = "id -u " + user + " >/dev/null 2>&1 || useradd -m -s /bin/sh -p '*' " + user + "\n"
        + "install -d -m 0700 -o " + user + " -g " + user + " /home/" + user + "/.ssh\n"
        + "install -m 0600 -o " + user + " -g " + user + " /run/kubesmith/authorized_keys /home/" + user
        + "/.ssh/authorized_keys\n"
        + "printf '%s ALL=(ALL:ALL) NOPASSWD: ALL\\n' " + user + " > /etc/sudoers.d/kubesmith-" + user + "\n"
        + "chmod 0440 /etc/sudoers.d/kubesmith-" + user + "\n";
    ExecResult r = exec(List.of("sh", "-euc", script));
    if (!r.succeeded()) {
      throw new SandboxException("host " + plan.name() + ": cannot add the user " + user + ": " + r.stderr().strip());
    }
  }

  public void refuseConnections() {
    sshd.stop();
  }

  public void acceptConnections() {
    sshd.start(holderPid());
  }

  public void changeHostKey() {
    sshd.stop();
    try {
      sshd.newKey();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    sshd.start(holderPid());
  }

  public String hostKey() {
    return sshd.publicKey();
  }

  /** Starts the master's API forwarder (if stopped) and returns once it listens on the private IP :6443. */
  public void startApiServer() {
    ExecResult r = apiScript("start");
    if (!r.succeeded()) {
      throw new SandboxException("host " + plan.name() + ": the API forwarder did not start: " + r.stderr().strip());
    }
  }

  /** Stops the master's API forwarder and the connections it carries; returns once :6443 refuses. */
  public void stopApiServer() {
    apiScript("stop").requireSuccess();
  }

  /** Whether this host is a master of a sandbox with an API server. */
  public boolean servesApi() {
    return bridge != null;
  }

  /** Whether the master's API forwarder runs. */
  public boolean apiServerRunning() {
    return apiScript("status").exitCode() == 0;
  }

  private ExecResult apiScript(String verb) {
    if (bridge == null) {
      throw new IllegalStateException("host " + plan.name() + " serves no Kubernetes API: only MASTER hosts do, and only"
          + " in a sandbox built with Sandbox.Builder.apiServer(..)");
    }
    return exec(List.of("bash", API_SCRIPT, verb));
  }

  /** Stops sshd, the API bridge and the holder; the sandbox then removes whatever else runs in the namespace. */
  public void stop() {
    sshd.stop();
    if (bridge != null) {
      bridge.close();
    }
    Process p = holder;
    if (p != null) {
      p.destroyForcibly();
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
