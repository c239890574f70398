package dev.kubesmith.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.sftp.OpenMode;
import net.schmizz.sshj.sftp.RemoteFile;
import net.schmizz.sshj.sftp.SFTPClient;
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
  private final String host;
  private final SSHClient client;
  private final AutoCloseable via;
  private final boolean sudo;
  private final Redactor redactor;

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

  /** Runs a shell command as root; a non-zero exit is a result, not an exception. */
  public CommandResult run(String command, Duration timeout) {
    return run(command, timeout, true);
  }

  /** Runs a command whose output is a secret: nothing of its output is logged. */
  public CommandResult runQuietly(String command, Duration timeout) {
    return run(command, timeout, false);
  }

  private CommandResult run(String command, Duration timeout, boolean logOutput) {
    String shown = redactor.redact(command);
    LOG.debug("{}$ {}", host, shown);
    long start = System.nanoTime();
    try (Session session = client.startSession()) {
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
      throw new SshException(host, SshConnector.kindOf(e), "failed to run '" + shown + "': " + e.getMessage(), e);
    }
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
   * Writes a file atomically: SFTP to a temporary name, set owner and mode, then rename over the
   * target, so a reader never sees half a file. Parent directories are created.
   */
  public void upload(String path, byte[] content, int mode, String owner) {
    String tmp = (sudo ? "/tmp/" : parentOf(path) + "/") + ".kubesmith-" + UUID.randomUUID();
    try {
      if (!sudo) {
        require(run("mkdir -p " + quote(parentOf(path)), Duration.ofSeconds(30)), "create " + parentOf(path));
      }
      try (SFTPClient sftp = client.newSFTPClient();
           RemoteFile f = sftp.open(tmp, EnumSet.of(OpenMode.WRITE, OpenMode.CREAT, OpenMode.TRUNC))) {
        f.write(0, content, 0, content.length);
      }
      String mv = "mkdir -p " + quote(parentOf(path)) + " && chown " + quote(owner) + " " + quote(tmp)
          + " && chmod " + String.format("%04o", mode) + " " + quote(tmp) + " && mv -f " + quote(tmp) + " " + quote(path);
      CommandResult r = run(mv, Duration.ofSeconds(30));
      if (!r.ok()) {
        run("rm -f " + quote(tmp), Duration.ofSeconds(30));
        require(r, "install " + path);
      }
      LOG.debug("{}: wrote {} ({} bytes, {})", host, path, content.length, String.format("%04o", mode));
    } catch (IOException e) {
      throw new SshException(host, SshConnector.kindOf(e), "upload of " + path + " failed: " + e.getMessage(), e);
    }
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
