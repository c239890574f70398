package dev.kubesmith.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated SSH connection to one host, reused for every step on it. Commands run as root
 * (through {@code sudo -n} for other users), with a timeout, their output drained and logged at
 * debug with secrets redacted. Obtain one from {@link SshConnector#connect(SshTarget)}.
 *
 * <pre>{@code
 * try (HostConnection c = connector.connect(SshTarget.of("master1", "192.168.4.31"))) {
 *   CommandResult r = c.run("kubeadm version -o short", Duration.ofSeconds(30));
 *   c.upload("/etc/kubernetes/kubeadm-config.yaml", bytes, 0600, "root:root");
 * }
 * }</pre>
 */
public final class HostConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HostConnection.class);
  private static final Duration UPLOAD_TIMEOUT = Duration.ofSeconds(120);
  private final String host;
  private final SSHClient client;
  private final AutoCloseable via;
  private final boolean sudo;
  private final Redactor redactor;

  /** Whether commands run through {@code sudo -n} (the login user is not root). */
  public boolean usesSudo() {
    return sudo;
  }

  HostConnection(String host, SSHClient client, AutoCloseable via, boolean sudo, Redactor redactor) {
    this.host = host;
    this.client = client;
    this.via = via;
    this.sudo = sudo;
    this.redactor = redactor;
  }

  public String host() {
    return host;
  }

  public boolean isConnected() {
    return client.isConnected() && client.isAuthenticated();
  }

  /** Runs a shell command as root; a non-zero exit is a result, not an exception. Its stdin is closed. */
  public CommandResult run(String command, Duration timeout) {
    return run(command, timeout, true, null);
  }

  /** Runs a command whose output is a secret: nothing of its output is logged. */
  public CommandResult runQuietly(String command, Duration timeout) {
    return run(command, timeout, false, null);
  }

  private CommandResult run(String command, Duration timeout, boolean logOutput, byte[] stdin) {
    String shown = redactor.redact(command);
    LOG.debug("{}$ {}", host, shown);
    long start = System.nanoTime();
    Session opened;
    try {
      opened = client.startSession();
    } catch (IllegalStateException closed) {
      // sshj found the connection closed (its peer went away since the last command): nothing ran,
      // so this is a dropped connection the step may be retried over, not a failure of the command
      throw new SshException(host, SshException.Kind.CONNECT, "the connection was gone before `" + shown
          + "` could start (nothing ran): " + closed.getMessage(), closed);
    } catch (IOException e) {
      throw failure(shown, e);
    }
    try (Session session = opened) {
      Session.Command cmd = session.exec(wrap(command));
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread drain = new Thread(() -> copy(cmd.getErrorStream(), err, logOutput ? "stderr" : null),
          "kubesmith-ssh-stderr-" + host);
      drain.setDaemon(true);
      drain.start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Thread drainOut = new Thread(() -> copy(cmd.getInputStream(), out, logOutput ? "stdout" : null),
          "kubesmith-ssh-stdout-" + host);
      drainOut.setDaemon(true);
      drainOut.start();
      // end of input at once (after the content, for an upload): nothing on a host may wait for a
      // prompt answer (dpkg conffile questions, read, ...) until the command timeout
      try (OutputStream in = cmd.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin);
          // sshj's close() sends only what the peer's window takes at that moment and then EOF: the
          // rest of an upload was lost (files cut at a 64 KiB boundary). flush() waits for the window.
          in.flush();
        }
      } catch (IOException e) {
        // the command ended without reading all of it (its exit status and stderr say why), or the
        // connection is gone (join says so)
        LOG.debug("{}: stdin closed early: {}", host, e.getMessage());
      }
      cmd.join(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (cmd.isOpen() && cmd.getExitStatus() == null) {
        cmd.close();
        throw new SshException(host, SshException.Kind.TIMEOUT,
            "command did not finish within " + timeout.toSeconds() + " s: " + shown, null);
      }
      drainOut.join(5000);
      drain.join(5000);
      cmd.close(); // the exit status is only known once the channel is closed
      Integer exit = cmd.getExitStatus();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      if (exit == null) {
        throw new SshException(host, SshException.Kind.CONNECT, "connection lost while running: " + shown, null);
      }
      String stdout = out.toString(StandardCharsets.UTF_8);
      String stderr = err.toString(StandardCharsets.UTF_8);
      LOG.debug("{}: exit {} after {} ms", host, exit, took.toMillis());
      return new CommandResult(exit, stdout, logOutput ? redactor.redact(stderr) : stderr, took);
    } catch (SshException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SshException(host, SshException.Kind.OTHER, "interrupted while running: " + shown, e);
    } catch (IOException e) {
      throw failure(shown, e);
    }
  }

  /** A failure of the connection while starting or running {@code shown}: a silent host, or its kind. */
  private SshException failure(String shown, IOException e) {
    if (SshConnector.isUnanswered(e)) {
      return unresponsive("running `" + shown + "`", e);
    }
    return new SshException(host, SshConnector.kindOf(e), "failed to run '" + shown + "': " + e.getMessage(), e);
  }

  /** The host went silent: say so, and that what ran there may still be running. */
  private SshException unresponsive(String what, IOException e) {
    return new SshException(host, SshException.Kind.UNRESPONSIVE, "stopped answering while " + what + ": "
        + SshConnector.KEEPALIVE_MAX_MISSED + " SSH keepalives in a row went unanswered ("
        + SshConnector.KEEPALIVE_MAX_MISSED * SshConnector.KEEPALIVE_INTERVAL_SECONDS + " s). The host is down or its"
        + " network is cut, and the command may still be running there: check the host (console, power, firewall),"
        + " then run the build again", e);
  }

  private String wrap(String command) {
    return sudo ? "sudo -n sh -c " + quote(command) : command;
  }

  /** Single-quotes a string for the POSIX shell. */
  public static String quote(String s) {
    return "'" + s.replace("'", "'\"'\"'") + "'";
  }

  private void copy(InputStream in, OutputStream sink, String stream) {
    StringBuilder line = new StringBuilder();
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        sink.write(buf, 0, n);
        if (stream != null && LOG.isDebugEnabled()) {
          line.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          int nl;
          while ((nl = line.indexOf("\n")) >= 0) {
            LOG.debug("{} {}: {}", host, stream, redactor.redact(line.substring(0, nl)));
            line.delete(0, nl + 1);
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("{}: {} closed: {}", host, stream, e.getMessage());
    }
  }

  /**
   * Writes a file atomically, as root: the content goes through the command's stdin into a temporary
   * file beside the target, created under umask 077 (so it is readable by nobody else, even with a
   * non-root SSH user: there is no copy in /tmp), given owner and mode, renamed over the target (a
   * reader never sees half a file), and relabelled for SELinux where SELinux is on (a file made in
   * one place and moved keeps the label of where it was made). Parent directories are created.
   */
  public void upload(String path, byte[] content, int mode, String owner) {
    String dir = parentOf(path);
    String script = "mkdir -p " + quote(dir) + " && umask 077"
        + " && t=" + quote((dir.equals("/") ? "" : dir) + "/.kubesmith-" + UUID.randomUUID())
        + " && trap 'rm -f \"$t\"' EXIT && cat > \"$t\" && n=$(wc -c < \"$t\") && { [ \"$n\" -eq " + content.length
        + " ] || { echo \"received $n of " + content.length + " bytes\" >&2; exit 1; }; } && chown " + quote(owner) + " \"$t\""
        + " && chmod " + String.format("%04o", mode) + " \"$t\" && mv -f \"$t\" " + quote(path)
        + " && if command -v selinuxenabled >/dev/null 2>&1 && selinuxenabled && command -v restorecon >/dev/null 2>&1;"
        + " then restorecon " + quote(path) + "; fi";
    CommandResult r = run(script, UPLOAD_TIMEOUT, true, content);
    require(r, "install " + path);
    LOG.debug("{}: wrote {} ({} bytes, {})", host, path, content.length, String.format("%04o", mode));
  }

  private void require(CommandResult r, String what) {
    if (!r.ok()) {
      throw new SshException(host, SshException.Kind.OTHER, "could not " + what + " (exit " + r.exitCode() + "): "
          + r.stderrTail(5), null);
    }
  }

  private static String parentOf(String path) {
    int i = path.lastIndexOf('/');
    return i <= 0 ? "/" : path.substring(0, i);
  }

  @Override
  public void close() {
    try {
      client.disconnect();
    } catch (IOException e) {
      LOG.debug("{}: disconnect: {}", host, e.getMessage());
    }
    if (via != null) {
      try {
        via.close();
      } catch (Exception e) {
        LOG.debug("{}: closing the tunnel: {}", host, e.getMessage());
      }
    }
  }

  @Override
  public String toString() {
    return "HostConnection{" + host + "}";
  }
}
