package dev.kubesmith.testkit.internal;

import dev.kubesmith.testkit.SandboxException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** Starts hosts in parallel with one deadline for all; the first failure is thrown with the others suppressed. */
public final class Startup {
  private static final long BASE_SECONDS = 60;

  private Startup() {}

  public static void run(List<HostRuntime> hosts, Consumer<HostRuntime> start) {
    int threads = Math.max(1, Math.min(hosts.size(), Math.max(4, 4 * Runtime.getRuntime().availableProcessors())));
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "kubesmith-sandbox-start");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (HostRuntime h : hosts) {
        futures.add(pool.submit(() -> start.accept(h)));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BASE_SECONDS + hosts.size());
      RuntimeException failure = null;
      for (int i = 0; i < futures.size(); i++) {
        try {
          futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
          RuntimeException cause = e.getCause() instanceof RuntimeException re ? re
              : new SandboxException("host " + hosts.get(i).plan().name() + " did not start: " + e.getCause(), e.getCause());
          failure = add(failure, cause);
        } catch (TimeoutException e) {
          failure = add(failure, new SandboxException("host " + hosts.get(i).plan().name()
              + " did not start within " + (BASE_SECONDS + hosts.size()) + " s"));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SandboxException("interrupted while starting the sandbox", e);
        }
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static RuntimeException add(RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }
}
