package dev.kubesmith.testkit.internal;

import dev.kubesmith.testkit.ExecResult;
import dev.kubesmith.testkit.SandboxException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real Debian 12 machine of the sandbox: systemd as PID 1, real sshd, apt/dpkg and sudo, booted
 * by {@code systemd-nspawn} into a network namespace the caller made, on an overlay of the cached
 * root filesystem that {@code scripts/debian-root.sh} builds (lower, shared and read-only) and a
 * directory of its own (upper: what the machine wrote, kept across reboots). Nothing the SDK
 * installs is on it. A reboot restarts its container on the same upper directory; a power loss is
 * SIGKILL of the container's PID 1, which ends every process of the machine at once.
 *
 * <p>Internal to the test kit. The two nspawn flags {@code --keep-unit --register=no} are needed
 * because this machine's PID 1 is not systemd; {@code CAP_NET_ADMIN} is not granted by nspawn with
 * {@code --network-namespace-path}, and a host needs it for iptables, keepalived and sysctls.
 */
public final class DebianMachine implements AutoCloseable {
  /** Where scripts/debian-root.sh caches the root filesystem. */
  public static final Path CACHE = Path.of(Optional.ofNullable(System.getenv("KUBESMITH_DEBIAN_CACHE"))
      .orElse("/var/cache/kubesmith/debian-12"));
  private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(60);
  /** The login user with passwordless sudo that the root filesystem has, as a cloud image's default user. */
  public static final String OPS = "ops";
  private static final int OPS_UID = 1000;

  private final String name;
  private final String netns;
  private final Path dir;
  private final Path upper;
  private Process nspawn;
  private long init = -1;
  private Duration lastBoot = Duration.ZERO;

  private DebianMachine(String name, String netns, Path dir) {
    this.name = name;
    this.netns = netns;
    this.dir = dir;
    this.upper = dir.resolve("upper");
  }

  /** The cached root filesystem, or a SandboxException saying how to build it. */
  public static Path root() {
    Path root = CACHE.resolve("root");
    if (!Files.isExecutable(root.resolve("usr/lib/systemd/systemd")) || !Files.isRegularFile(CACHE.resolve("STAMP"))) {
      throw new SandboxException("the sandbox's Debian 12 root filesystem is not in " + CACHE + ": build it with "
          + "sudo bash scripts/debian-root.sh (the README's test command does), then run the tests again");
    }
    return root;
  }

  /**
   * Prepares the machine's own files (host name, machine id, SSH host key, root's authorized key) in
   * {@code dir} and boots it into the network namespace {@code netns} (a name under /run/netns);
   * returns once systemd reports the boot finished and sshd listens.
   */
  public static DebianMachine boot(String name, String netns, Path dir, String authorizedKey) {
    root();
    DebianMachine m = new DebianMachine(name, netns, dir);
    try {
      Files.createDirectories(m.upper.resolve("etc/ssh"));
      Files.createDirectories(m.upper.resolve("root/.ssh"),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.writeString(m.upper.resolve("etc/hostname"), name + "\n");
      // as Debian's installer and cloud images write it: the machine's own name resolves (sudo looks it up)
      Files.writeString(m.upper.resolve("etc/hosts"), "127.0.0.1\tlocalhost\n127.0.1.1\t" + name + "\n"
          + "::1\tlocalhost ip6-localhost ip6-loopback\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n");
      byte[] id = new byte[16];
      ThreadLocalRandom.current().nextBytes(id);
      Files.writeString(m.upper.resolve("etc/machine-id"), HexFormat.of().formatHex(id) + "\n");
      Path key = m.upper.resolve("etc/ssh/ssh_host_ed25519_key");
      Proc.check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "root@" + name, "-f", key.toString());
      Path authorized = m.upper.resolve("root/.ssh/authorized_keys");
      Files.writeString(authorized, authorizedKey.strip() + "\n");
      Files.setPosixFilePermissions(authorized, PosixFilePermissions.fromString("rw-------"));
      // the same key for ops (uid 1000, passwordless sudo in the root filesystem); sshd wants its files its own
      Path ops = Files.createDirectories(m.upper.resolve("home/ops/.ssh"));
      Path opsKeys = Files.writeString(ops.resolve("authorized_keys"), authorizedKey.strip() + "\n");
      Files.setPosixFilePermissions(opsKeys, PosixFilePermissions.fromString("rw-------"));
      Files.setPosixFilePermissions(ops, PosixFilePermissions.fromString("rwx------"));
      Files.setPosixFilePermissions(ops.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
      Proc.check("chown", "-R", OPS_UID + ":" + OPS_UID, ops.getParent().toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the files of Debian machine " + name + " in " + dir, e);
    }
    m.start();
    return m;
  }

  public String name() {
    return name;
  }

  /** The machine's SSH host key, as a known_hosts line needs it ({@code ssh-ed25519 AAAA...}). */
  public String hostKey() {
    try {
      String[] f = Files.readString(upper.resolve("etc/ssh/ssh_host_ed25519_key.pub")).strip().split(" ");
      return f[0] + " " + f[1];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** PID (in the test machine's PID namespace) of the machine's systemd, or -1 when it is off. */
  public long initPid() {
    return init;
  }

  /** How long the last boot took, from starting nspawn to sshd listening. */
  public Duration lastBoot() {
    return lastBoot;
  }

  /** The machine's own files (the overlay's upper directory): what it wrote since its first boot. */
  public Path upper() {
    return upper;
  }

  /** Runs a program inside the machine (every namespace of its PID 1), as root, from /. */
  public ExecResult exec(String... argv) {
    return exec(Duration.ofSeconds(60), argv);
  }

  public ExecResult exec(Duration timeout, String... argv) {
    if (init < 0) {
      throw new SandboxException("Debian machine " + name + " is off; boot it first");
    }
    List<String> cmd = new ArrayList<>(List.of("nsenter", "-t", String.valueOf(init), "-a", "--wdns=/",
        "/usr/bin/env", "-i", "PATH=" + Proc.HOST_PATH, "HOME=/root", "LANG=C.UTF-8"));
    cmd.addAll(List.of(argv));
    return Proc.run(cmd, timeout, Map.of("PATH", Proc.HOST_PATH), null);
  }

  /** A clean reboot: systemd stops everything, the container ends, and the machine boots again on its own files. */
  public void reboot() {
    stop();
    start();
  }

  /** Power loss: SIGKILL of the machine's PID 1 ends every one of its processes at once; it stays off. */
  public void powerLoss() {
    if (init > 0) {
      ProcessHandle.of(init).ifPresent(ProcessHandle::destroyForcibly);
    }
    // whatever nspawn started, also when its PID 1 was never found (a boot that failed early):
    // a container whose nspawn dies keeps running, so its processes are killed, not nspawn alone
    if (nspawn != null) {
      nspawn.toHandle().children().forEach(ProcessHandle::destroyForcibly);
    }
    awaitOff(Duration.ofSeconds(10));
  }

  /** Boots the machine again after {@link #powerLoss()}. */
  public void powerOn() {
    if (init > 0) {
      throw new SandboxException("Debian machine " + name + " is running");
    }
    start();
  }

  private void start() {
    long t0 = System.nanoTime();
    Path root = root();
    ProcessBuilder pb = new ProcessBuilder("setsid", "systemd-nspawn", "-q", "--keep-unit", "--register=no",
        "--capability=CAP_NET_ADMIN", "-D", root.toString(), "--overlay=" + root + ":" + upper + ":/",
        "-M", name, "--network-namespace-path=/run/netns/" + netns, "-b");
    pb.environment().put("PATH", Proc.HOST_PATH);
    // /proc/sys/net writable inside (sysctls of the network namespace), as on a real host
    pb.environment().put("SYSTEMD_NSPAWN_API_VFS_WRITABLE", "network");
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("console.log").toFile());
    nspawn = Proc.start(pb, pb.command());
    long end = System.nanoTime() + BOOT_TIMEOUT.toNanos();
    // setsid execs nspawn in place; the container's PID 1 is nspawn's child once it exec'd systemd
    // (before that the child is nspawn's own, briefly, and its command may not be readable yet)
    while (init < 0 && System.nanoTime() < end && nspawn.isAlive()) {
      init = nspawn.toHandle().children().filter(c -> c.info().command().map(x -> x.endsWith("/systemd")).orElse(false))
          .findFirst().map(ProcessHandle::pid).orElse(-1L);
      if (init < 0) {
        sleep(20);
      }
    }
    if (init < 0) {
      String console = tail(dir.resolve("console.log"));
      stop();
      throw new SandboxException("Debian machine " + name + " did not boot (systemd-nspawn "
          + (nspawn.isAlive() ? "still starting" : "exited " + nspawn.exitValue()) + "): " + console);
    }
    // systemd's boot finished (running, or degraded when a unit failed), sshd listens, and users other
    // than root may log in (pam_nologin refuses them while /run/nologin is there: ops's first login was)
    while (System.nanoTime() < end) {
      ExecResult r = exec(Duration.ofSeconds(5), "sh", "-c",
          "s=$(systemctl is-system-running); case $s in running|degraded) ss -Hltn 'sport = :22' | grep -q ."
              + " && [ ! -e /run/nologin ] && echo $s ;; esac");
      if (r.succeeded() && !r.stdout().isBlank()) {
        lastBoot = Duration.ofNanos(System.nanoTime() - t0);
        return;
      }
      sleep(50);
    }
    String console = tail(dir.resolve("console.log"));
    powerLoss();
    throw new SandboxException("Debian machine " + name + " did not finish booting within " + BOOT_TIMEOUT.toSeconds()
        + " s: " + console);
  }

  /** systemd-nspawn's SIGTERM is a clean shutdown of the container; then its PID 1 is gone. */
  private void stop() {
    if (nspawn != null && nspawn.isAlive()) {
      nspawn.destroy();
      try {
        nspawn.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    powerLoss(); // whatever is left of it
  }

  private void awaitOff(Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    if (init > 0) {
      Optional<ProcessHandle> h = ProcessHandle.of(init);
      while (h.isPresent() && h.get().isAlive() && System.nanoTime() < end) {
        sleep(20);
      }
    }
    if (nspawn != null) {
      try {
        if (!nspawn.waitFor(Math.max(1, (end - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS)) {
          nspawn.destroyForcibly();
          nspawn.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    init = -1;
  }

  /** Power loss if it runs, then its files go. */
  @Override
  public void close() {
    powerLoss();
    // --one-file-system: never delete through something still mounted under the directory
    Proc.run(List.of("rm", "-rf", "--one-file-system", dir.toString()));
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no console output: " + e.getMessage() + ")";
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxException("interrupted while waiting for a Debian machine", e);
    }
  }
}
