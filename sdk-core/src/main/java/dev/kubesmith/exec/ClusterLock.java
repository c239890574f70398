package dev.kubesmith.exec;

import dev.kubesmith.ssh.CommandResult;
import dev.kubesmith.ssh.HostConnection;
import dev.kubesmith.ssh.SshConnector;
import dev.kubesmith.ssh.SshException;
import dev.kubesmith.ssh.SshTarget;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock on the cluster itself, held on its first master (as k0sctl holds one on its hosts), so
 * two operators, or a build and a one-off operation such as an etcd snapshot, never work on one
 * cluster at once, whatever machine or state directory they run from. A shell on the master holds
 * {@code flock} on {@value #LOCK_FILE} for as long as the SSH session that started it lives: when
 * the operator's process dies (even SIGKILL, a lost network), sshd ends the session, the shell sees
 * it within a second and the kernel drops the lock. There is nothing to delete by hand, ever.
 *
 * <pre>{@code
 * try (ClusterLock lock = ClusterLock.acquire(connector, connector.target(spec.masters().get(0)), "apply of clustera")) {
 *   executor.execute(plan, journal);
 * }   // BuildLockedException when another operator holds it, naming who, where and since when
 * }</pre>
 */
public final class ClusterLock implements AutoCloseable {
  /** The lock file on the first master; the holder's description is in {@value #HOLDER_FILE}. */
  public static final String LOCK_FILE = "/var/lib/kubesmith/lock";
  public static final String HOLDER_FILE = "/var/lib/kubesmith/lock.holder";
  /** How long to wait for a lock whose holder is just letting go (its shell notices within a second). */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(5);
  private static final int HELD_EXIT = 75; // EX_TEMPFAIL
  private static final Logger LOG = LoggerFactory.getLogger(ClusterLock.class);

  private HostConnection connection;
  private Thread holder;
  private String token;
  private final String host;
  /** How the lock was taken, to take it again when its session dropped (see {@link #requireHeld}). */
  private final Retake retake;

  private record Retake(SshConnector connector, SshTarget master, String what, Retries retries, Duration patience) {}

  private ClusterLock(HostConnection connection, Thread holder, String token, String host, Retake retake) {
    this.connection = connection;
    this.holder = holder;
    this.token = token;
    this.host = host;
    this.retake = retake;
  }

  /**
   * Takes the lock on {@code master} over a connection of its own (connecting with the
   * {@value Retries#CONNECT} policy), waiting up to {@link #DEFAULT_WAIT} for a holder letting go.
   *
   * @throws BuildLockedException when another holds it
   * @throws BuildFailedException when the master cannot be reached
   */
  public static ClusterLock acquire(SshConnector connector, SshTarget master, String what, Retries retries) {
    return acquire(connector, master, what, retries, DEFAULT_WAIT);
  }

  public static ClusterLock acquire(SshConnector connector, SshTarget master, String what, Retries retries, Duration wait) {
    return take(new Retake(connector, master, what, retries, wait));
  }

  private static ClusterLock take(Retake how) {
    SshConnector connector = how.connector();
    SshTarget master = how.master();
    HostConnection c;
    try {
      // as every retry line: redacted (an SSH error may quote what the host printed)
      c = how.retries().run(() -> connector.connect(master), (n, pause, error) -> LOG.info("{}: retrying in {} ms: {}",
          master.name(), pause.toMillis(), connector.redactor().redact(String.valueOf(error.getMessage()))), () -> false);
    } catch (Retries.RetriesExhausted e) {
      Throwable cause = e.gaveUp().error();
      throw new BuildFailedException("cannot take the cluster lock on " + master.name() + ": "
          + connector.redactor().redact(String.valueOf(cause.getMessage())) + "; no step ran: " + Fault.of(cause).advice(), cause, java.util.List.of(), false);
    }
    try {
      return acquire(c, master.name(), how);
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private static ClusterLock acquire(HostConnection c, String host, Retake how) {
    String what = how.what();
    String token = UUID.randomUUID().toString();
    String info = "holder=" + token + " operator=" + operatorHost() + " pid=" + ProcessHandle.current().pid()
        + " user=" + System.getProperty("user.name") + " started=" + Instant.now() + " for=" + what.replaceAll("\\s+", "_");
    Instant deadline = Instant.now().plus(how.patience());
    while (true) {
      AtomicReference<Object> ended = new AtomicReference<>();
      Thread t = new Thread(() -> {
        try {
          ended.set(run(c, holderScript(info)));
        } catch (RuntimeException e) { // the connection closed: the lock went with its session
          ended.set(e);
        }
      }, "kubesmith-cluster-lock-" + host);
      t.setDaemon(true);
      t.start();
      String seen = awaitHolder(c, token, t, ended);
      if (seen == null) {
        LOG.debug("{}: cluster lock {} taken ({})", host, LOCK_FILE, info);
        return new ClusterLock(c, t, token, host, how);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new BuildLockedException(host, LOCK_FILE, seen);
      }
      sleep(Duration.ofMillis(300));
    }
  }

  /**
   * Null once this token holds the lock; otherwise who holds it (the holder's line). The shell exits
   * {@value #HELD_EXIT} when flock is taken by another.
   */
  private static String awaitHolder(HostConnection c, String token, Thread t, AtomicReference<Object> ended) {
    for (int i = 0; i < 200; i++) {
      Object end = ended.get();
      if (end instanceof RuntimeException e) {
        throw e;
      }
      if (end instanceof CommandResult r) {
        if (r.exitCode() == HELD_EXIT) {
          return r.stdout().strip().isEmpty() ? "a holder that left no description" : r.stdout().strip();
        }
        if (c.usesSudo() && SudoRefusal.in(r.stderr())) {
          throw new IllegalStateException(host(c) + ": could not take the cluster lock " + LOCK_FILE + " (exit "
              + r.exitCode() + "): " + r.stderrTail(5) + "\n  " + SudoRefusal.fix(host(c)));
        }
        throw new IllegalStateException(host(c) + ": could not take the cluster lock " + LOCK_FILE + " (exit "
            + r.exitCode() + "): " + r.stderrTail(5) + "; the lock needs flock(1) (util-linux) on the first master");
      }
      CommandResult now = run(c, "cat " + HOLDER_FILE + " 2>/dev/null || true");
      if (now.stdout().contains("holder=" + token)) {
        return null;
      }
      sleep(Duration.ofMillis(50));
    }
    throw new IllegalStateException(host(c) + ": the cluster lock " + LOCK_FILE + " gave no answer in 10 s");
  }

  /**
   * Takes flock on fd 9 and keeps it while the sshd process of this session lives (walking up from
   * the shell through sudo to the first sshd ancestor), so a dead operator never holds it.
   */
  private static String holderScript(String info) {
    return "mkdir -p /var/lib/kubesmith && chmod 0755 /var/lib/kubesmith && exec 9>" + LOCK_FILE + " || exit 1\n"
        + "if ! flock -n 9; then cat " + HOLDER_FILE + " 2>/dev/null; exit " + HELD_EXIT + "; fi\n"
        + "p=$$; s=\n"
        + "while [ \"$p\" -gt 1 ]; do case \"$(cat /proc/$p/comm)\" in sshd*) s=$p; break;; esac;"
        + " p=$(awk '{print $4}' /proc/$p/stat); done\n"
        + "[ -n \"$s\" ] || { echo 'no sshd ancestor' >&2; exit 1; }\n"
        + "echo " + HostConnection.quote(info + " holder-pid=") + "$$ > " + HOLDER_FILE + "\n"
        + "while [ -d /proc/$s ] && [ -s " + HOLDER_FILE + " ]; do sleep 1; done\n";
  }

  private static CommandResult run(HostConnection c, String command) {
    return c.run(command, Duration.ofDays(30));
  }

  private static String host(HostConnection c) {
    return c.host();
  }

  private static String operatorHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown-host";
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while taking the cluster lock", e);
    }
  }

  /**
   * Returns while this operator holds the lock. The lock lives as long as its SSH session: when the
   * connection to the master dropped, the lock went with it, and another operator may have taken it
   * since. Then this takes it again (a new session, a new holder line) before anything else runs,
   * or throws {@link BuildLockedException} naming who holds it now: the build stops before its next
   * step instead of working beside another operator. Called before every step of a build.
   */
  public synchronized void requireHeld(String nextStep) {
    if (holder.isAlive()) {
      return;
    }
    LOG.warn("{}: the cluster lock's SSH session ended (the connection to {} dropped); taking the lock again"
        + " before the next step", host, host);
    connection.close();
    ClusterLock again;
    try {
      again = take(retake);
    } catch (BuildLockedException e) {
      throw BuildLockedException.lostBefore(nextStep, host, e);
    }
    connection = again.connection;
    holder = again.holder;
    token = again.token;
    LOG.info("{}: cluster lock {} taken again", host, LOCK_FILE);
  }

  /**
   * Lets go: empties the holder file (the holding shell ends within a second) and closes the
   * connection; if the master cannot be reached, the lock goes with the SSH session anyway.
   */
  @Override
  public synchronized void close() {
    try {
      run(connection, "grep -q " + HostConnection.quote("holder=" + token) + " " + HOLDER_FILE + " && : > " + HOLDER_FILE
          + "; true");
      holder.join(5000);
    } catch (SshException | IllegalStateException e) { // sshj: IllegalStateException when no longer connected
      LOG.debug("{}: releasing the cluster lock: {}", host, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      connection.close();
    }
  }

  @Override
  public String toString() {
    return "ClusterLock{" + host + ":" + LOCK_FILE + "}";
  }
}
