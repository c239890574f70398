package dev.kubesmith.testkit.internal;

import dev.kubesmith.testkit.ExecResult;
import dev.kubesmith.testkit.SandboxException;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs programs on the machine and waits for them with a timeout, draining both output streams so a
 * chatty program never blocks. Internal to the testkit.
 */
public final class Proc {
  /** The PATH every simulated host's commands see: the stub directory first, as root's login PATH has it. */
  public static final String HOST_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  /** Exit status reported for a program stopped after its timeout, as coreutils' timeout does. */
  public static final int TIMED_OUT = 124;
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  private static final ExecutorService DRAIN = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "kubesmith-sandbox-drain");
    t.setDaemon(true);
    return t;
  });

  private Proc() {}

  /** Runs the program with the machine's environment (plus the host PATH) and returns what it did. */
  public static ExecResult run(List<String> argv) {
    return run(argv, DEFAULT_TIMEOUT, null, null);
  }

  /** Runs the program with {@code input} on its standard input. */
  public static ExecResult run(List<String> argv, String input) {
    return run(argv, DEFAULT_TIMEOUT, null, input);
  }

  /**
   * Runs the program; with {@code env} non-null the environment is exactly that, with {@code input}
   * non-null it is written to the program's standard input (else it reads /dev/null).
   */
  public static ExecResult run(List<String> argv, Duration timeout, Map<String, String> env, String input) {
    ProcessBuilder pb = new ProcessBuilder(argv);
    if (input == null) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    if (env != null) {
      pb.environment().clear();
      pb.environment().putAll(env);
    } else {
      pb.environment().put("PATH", HOST_PATH);
    }
    Process p = start(pb, argv);
    if (input != null) {
      CompletableFuture.runAsync(() -> {
        try (var in = p.getOutputStream()) {
          in.write(input.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          // the program stopped reading; its exit status tells the rest
        }
      }, DRAIN);
    }
    Drain out = new Drain(p.getInputStream());
    Drain err = new Drain(p.getErrorStream());
    try {
      boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
      int code = done ? p.exitValue() : TIMED_OUT;
      String stderr = err.text() + (done ? "" : "\nkubesmith sandbox: stopped after " + timeout.toSeconds() + " s");
      return new ExecResult(argv, code, out.text(), stderr);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new SandboxException("interrupted while running " + String.join(" ", argv), e);
    }
  }

  /** Runs the program and returns its stdout, or throws naming the command, exit code and stderr. */
  public static String check(String... argv) {
    return run(List.of(argv)).requireSuccess().stdout();
  }

  /** Starts the program, turning a missing executable into a SandboxException that says which one. */
  public static Process start(ProcessBuilder pb, List<String> argv) {
    try {
      return pb.start();
    } catch (IOException e) {
      throw new SandboxException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
    }
  }

  /** Output collected as it arrives, so what a program wrote is kept even if a daemon child holds the pipe. */
  private static final class Drain {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CompletableFuture<Void> done;

    Drain(InputStream in) {
      done = CompletableFuture.runAsync(() -> {
        byte[] chunk = new byte[8192];
        try (in) {
          for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
            synchronized (buffer) {
              buffer.write(chunk, 0, n);
            }
          }
        } catch (IOException e) {
          // closed under us: keep what was read
        }
      }, DRAIN);
    }

    /** What was read, waiting briefly for the end of the stream (a daemon child may keep it open). */
    String text() throws InterruptedException {
      try {
        done.get(500, TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // return what arrived
      }
      synchronized (buffer) {
        return buffer.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
