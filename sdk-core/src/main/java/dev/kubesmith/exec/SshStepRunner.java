package dev.kubesmith.exec;

import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.Step;
import dev.kubesmith.ssh.CommandResult;
import dev.kubesmith.ssh.HostConnection;
import dev.kubesmith.ssh.SshConnector;
import dev.kubesmith.ssh.SshException;
import dev.kubesmith.ssh.SshTarget;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Runs host steps over SSH: uploads the step's files (secrets filled in on the way), runs its
 * commands in order, then reads its captures into the build's secrets. One connection per host,
 * reused across steps and re-opened when it dropped. Cluster steps (no host) go to {@code apiRunner}.
 *
 * <pre>{@code
 * StepRunner runner = new SshStepRunner(connector, host -> connector.target(spec.requireHost(host)),
 *     Duration.ofMinutes(15), null);
 * }</pre>
 */
public final class SshStepRunner implements StepRunner {
  private final SshConnector connector;
  private final Function<String, SshTarget> targets;
  private final Duration commandTimeout;
  private final StepRunner apiRunner;
  private final Map<String, HostConnection> connections = new ConcurrentHashMap<>();

  /**
   * The runner itself does not retry: it classifies each failure ({@link Fault}) and the executor
   * retries the whole step, so attempts never multiply.
   */
  public SshStepRunner(SshConnector connector, Function<String, SshTarget> targets, Duration commandTimeout,
      StepRunner apiRunner) {
    this.connector = connector;
    this.targets = targets;
    this.commandTimeout = commandTimeout;
    this.apiRunner = apiRunner;
  }

  /**
   * With the build's retries. The runner itself does not retry: it classifies each failure
   * ({@link Fault}) and the executor retries the whole step, so attempts never multiply.
   *
   * @param retries not used here any more (the executor's retries apply)
   * @deprecated use {@link #SshStepRunner(SshConnector, Function, Duration, StepRunner)}
   */
  @Deprecated(forRemoval = true)
  public SshStepRunner(SshConnector connector, Function<String, SshTarget> targets, Duration commandTimeout,
      StepRunner apiRunner, Retries retries) {
    this(connector, targets, commandTimeout, apiRunner);
  }

  @Override
  public boolean alreadyDone(Step step, StepContext ctx) {
    if (step.host().isEmpty()) {
      return api(step).alreadyDone(step, ctx);
    }
    if (step.check().isEmpty()) {
      return false;
    }
    // the check may run a script the step uploads: it only counts once the host holds this build's files
    return filesAreCurrent(step, ctx) && exec(step, step.check().get(), ctx, false).ok();
  }

  /**
   * Whether every file the step writes is on the host with the content (secrets and facts filled)
   * and mode this build would upload: SHA-256 and octal mode read with one command.
   */
  private boolean filesAreCurrent(Step step, StepContext ctx) {
    List<FileArtifact> kept = step.files().stream().filter(FileArtifact::kept).toList();
    if (kept.isEmpty()) {
      return true;
    }
    StringBuilder cmd = new StringBuilder("for f in");
    kept.forEach(f -> cmd.append(' ').append(HostConnection.quote(f.path())));
    cmd.append("; do if [ -f \"$f\" ]; then echo \"$(sha256sum < \"$f\" | cut -d' ' -f1) $(stat -c %a \"$f\")\";"
        + " else echo missing; fi; done");
    CommandResult r = exec(step, cmd.toString(), ctx, true);
    String[] lines = r.stdout().strip().split("\n");
    if (!r.ok() || lines.length != kept.size()) {
      return false;
    }
    for (int i = 0; i < lines.length; i++) {
      FileArtifact f = kept.get(i);
      String want = sha256(ctx.fill(f.content())) + " " + Integer.toOctalString(f.mode());
      if (!lines[i].strip().equals(want)) {
        return false;
      }
    }
    return true;
  }

  private static String sha256(String text) {
    return dev.kubesmith.internal.Sha256.hex(text);
  }

  @Override
  public void run(Step step, StepContext ctx) {
    if (step.host().isEmpty()) {
      api(step).run(step, ctx);
      return;
    }
    String host = step.host().get();
    for (Map.Entry<String, String> d : step.directories().entrySet()) {
      try {
        DirectoryCopy.copy(connection(host), java.nio.file.Path.of(d.getValue()), d.getKey(), commandTimeout);
      } catch (SshException e) {
        throw failure(step, host, "copy " + d.getValue() + " to " + d.getKey(), e);
      }
    }
    for (FileArtifact f : step.files()) {
      try {
        connection(host).upload(f.path(), ctx.fill(f.content()).getBytes(StandardCharsets.UTF_8), f.mode(), f.owner());
      } catch (SshException e) {
        throw failure(step, host, "upload " + f.path(), e);
      }
    }
    for (String command : step.commands()) {
      CommandResult r = exec(step, command, ctx, false);
      if (!r.ok()) {
        String tail = ctx.redactor().redact(r.stderrTail(10));
        if (Fault.isTransientCommand(r.exitCode(), r.stderr())) {
          throw new TransientStepException(host, step.id(), command, r.exitCode(), tail, null);
        }
        throw failed(step, host, command, r, tail);
      }
    }
    for (Map.Entry<String, String> c : step.captures().entrySet()) {
      CommandResult r = exec(step, c.getValue(), ctx, true);
      if (!r.ok()) {
        throw failed(step, host, c.getValue(), r, ctx.redactor().redact(r.stderrTail(5)));
      }
      ctx.putSecret(c.getKey(), r.stdout().strip());
    }
    for (Map.Entry<String, String> f : step.facts().entrySet()) {
      CommandResult r = exec(step, f.getValue(), ctx, false);
      if (!r.ok()) {
        throw failed(step, host, f.getValue(), r, ctx.redactor().redact(r.stderrTail(5)));
      }
      ctx.putFact(host, f.getKey(), r.stdout().strip());
    }
  }

  private CommandResult exec(Step step, String command, StepContext ctx, boolean quiet) {
    String host = step.host().orElseThrow();
    HostConnection c;
    try {
      c = connection(host);
    } catch (SshException e) {
      throw failure(step, host, command, e);
    }
    String filled = ctx.fill(command);
    try {
      return quiet ? c.runQuietly(filled, commandTimeout) : c.run(filled, commandTimeout);
    } catch (SshException e) {
      if (e.kind() == SshException.Kind.TIMEOUT) {
        // the connection was up and the command started: it may go on running on the host
        drop(host);
        throw new CommandTimeoutException(host, step.id(), command, commandTimeout, e);
      }
      throw failure(step, host, command, e);
    }
  }

  private StepFailedException failed(Step step, String host, String command, CommandResult r, String tail) {
    HostConnection c = connections.get(host);
    if (c != null && c.usesSudo() && SudoRefusal.in(r.stderr())) {
      return StepFailedException.sudoRefused(host, step.id(), command, r.exitCode(), tail);
    }
    return new StepFailedException(host, step.id(), command, r.exitCode(), tail, null);
  }

  private void drop(String host) {
    HostConnection dropped = connections.remove(host);
    if (dropped != null) {
      dropped.close();
    }
  }

  private RuntimeException failure(Step step, String host, String command, SshException e) {
    drop(host);
    String where = e.host(); // the bastion, when the failure is the bastion's
    if (e.isTransient()) {
      return new TransientStepException(where, step.id(), command, null, null, e);
    }
    return new StepFailedException(where, step.id(), command, null, null, e);
  }

  private HostConnection connection(String host) {
    HostConnection c = connections.get(host);
    if (c != null && c.isConnected()) {
      return c;
    }
    if (c != null) {
      c.close();
    }
    HostConnection fresh = connector.connect(targets.apply(host)); // retried by the executor, with the step
    connections.put(host, fresh);
    return fresh;
  }

  private StepRunner api(Step step) {
    if (apiRunner == null) {
      throw new StepFailedException(null, step.id(), null, null, null,
          new IllegalStateException("cluster steps need a Kubernetes API runner; none was configured"));
    }
    return apiRunner;
  }

  /** Closes every host connection, the bastion connection and the API runner. */
  @Override
  public void close() {
    if (apiRunner != null) {
      apiRunner.close(); // first: its API connection may run through the bastion
    }
    connections.values().forEach(HostConnection::close);
    connections.clear();
    connector.close();
  }
}
