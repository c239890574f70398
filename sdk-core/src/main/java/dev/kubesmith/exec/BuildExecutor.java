package dev.kubesmith.exec;

import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.ssh.Redactor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Plan}'s DAG: a step starts when its dependencies are done; steps on one host run one
 * at a time in plan order; at most {@code parallelism} steps run at once across hosts. Each step is
 * skipped when the journal or its check says it is done; transient faults are retried with backoff;
 * on a failure no new step starts, running ones finish, and the build throws naming the failure.
 *
 * <pre>{@code
 * BuildExecutor executor = BuildExecutor.builder().runner(runner).parallelism(20).listener(progress).build();
 * try (Journal journal = Journal.open(Path.of(".kubesmith", "clustera"))) {
 *   BuildResult result = executor.execute(plan, journal);
 * }
 * }</pre>
 */
public final class BuildExecutor {
  /** Steps running at once across hosts when not configured. */
  public static final int DEFAULT_PARALLELISM = 20;
  private static final Logger LOG = LoggerFactory.getLogger(BuildExecutor.class);
  private static final AtomicInteger BUILDS = new AtomicInteger();

  private final StepRunner runner;
  private final int parallelism;
  private final BuildListener listener;
  private final Retries retries;
  private final StepContext context;
  private volatile boolean cancelRequested;

  private BuildExecutor(Builder b) {
    this.runner = b.runner;
    this.parallelism = b.parallelism;
    this.listener = b.listener;
    this.retries = b.retries;
    this.context = new StepContext(b.redactor);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The secrets and redactor of this build. */
  public StepContext context() {
    return context;
  }

  /** Stops starting steps; running steps finish, then {@link #execute} throws a cancelled failure. */
  public void cancel() {
    cancelRequested = true;
    context.cancel();
    synchronized (this) {
      notifyAll();
    }
  }

  /** Runs the plan; the runner is closed when this returns or throws. */
  public BuildResult execute(Plan plan, Journal journal) {
    return execute(plan, journal, step -> { });
  }

  /**
   * Runs the plan, calling {@code beforeEachStep} before any step does work (e.g.
   * {@link ClusterLock#requireHeld(String)}); when it throws, that step fails with its message and no
   * further step starts.
   */
  public BuildResult execute(Plan plan, Journal journal, java.util.function.Consumer<Step> beforeEachStep) {
    long start = System.nanoTime();
    List<Step> steps = plan.steps();
    Map<String, Integer> waiting = new HashMap<>();
    Map<String, List<Step>> dependents = new HashMap<>();
    for (Step s : steps) {
      waiting.put(s.id(), s.dependsOn().size());
      s.dependsOn().forEach(d -> dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(s));
    }
    Map<String, Integer> order = new HashMap<>();
    steps.forEach(s -> order.put(s.id(), order.size()));
    // ready steps in plan order, so hosts start in the order the plan lists them
    java.util.TreeSet<Step> ready = new java.util.TreeSet<>(java.util.Comparator.comparing(s -> order.get(s.id())));
    steps.stream().filter(s -> s.dependsOn().isEmpty()).forEach(ready::add);
    Set<String> busyHosts = new HashSet<>();
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    List<String> skipped = Collections.synchronizedList(new ArrayList<>());
    List<String> completed = new ArrayList<>();
    List<Retries.GaveUp> failures = new ArrayList<>();
    int[] running = {0};
    ExecutorService pool = Executors.newFixedThreadPool(parallelism, threads());
    try {
      synchronized (this) {
        while (completed.size() < steps.size()) {
          boolean stopping = !failures.isEmpty() || cancelRequested;
          if (!stopping) {
            for (java.util.Iterator<Step> it = ready.iterator(); it.hasNext() && running[0] < parallelism; ) {
              Step s = it.next();
              String slot = s.host().orElse("");
              if (busyHosts.contains(slot)) {
                continue;
              }
              it.remove();
              busyHosts.add(slot);
              running[0]++;
              pool.execute(() -> {
                Retries.GaveUp error = null;
                try {
                  runOne(s, journal, ran, skipped, beforeEachStep);
                } catch (Retries.RetriesExhausted e) {
                  error = e.gaveUp();
                } catch (Throwable t) {
                  error = new Retries.GaveUp(t, 1, Duration.ZERO);
                }
                synchronized (this) {
                  running[0]--;
                  busyHosts.remove(slot);
                  if (error == null) {
                    completed.add(s.id());
                    listener.progress(completed.size(), steps.size());
                    for (Step d : dependents.getOrDefault(s.id(), List.of())) {
                      if (waiting.merge(d.id(), -1, Integer::sum) == 0) {
                        ready.add(d);
                      }
                    }
                  } else {
                    failures.add(error);
                    listener.stepFailed(s, error.error());
                  }
                  notifyAll();
                }
              });
            }
          }
          if (stopping && running[0] == 0) {
            break;
          }
          if (!stopping && running[0] == 0 && ready.isEmpty()) {
            throw new IllegalStateException("no step can start; the plan's dependencies are inconsistent");
          }
          wait(1000);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel();
      failures.add(new Retries.GaveUp(e, 1, Duration.ZERO));
    } finally {
      pool.shutdownNow();
      awaitQuietly(pool);
      runner.close();
    }
    Duration wall = Duration.ofNanos(System.nanoTime() - start);
    if (!failures.isEmpty()) {
      throw failed(failures, done(steps, completed, journal), steps.size(), completed);
    }
    if (completed.size() < steps.size()) {
      throw new BuildFailedException("build cancelled after " + done(steps, completed, journal) + " of " + steps.size()
          + " steps; run it again to resume", null, completed, true);
    }
    return new BuildResult(ran, skipped, wall);
  }

  /**
   * The message names the first failure, how often it was tried, how much of the plan is done (done
   * in this build or in the journal from an earlier one) and what to do: "run the build again" only
   * where running it again can help ({@link Fault#advice()}).
   */
  private static BuildFailedException failed(List<Retries.GaveUp> failures, long done, int total, List<String> completed) {
    Retries.GaveUp first = failures.get(0);
    String tries = first.attempts() > 1 ? " (tried " + first.attempts() + " times over "
        + Math.max(1, first.elapsed().toSeconds()) + " s)" : "";
    String more = failures.size() > 1 ? " (and " + (failures.size() - 1) + " more failures)" : "";
    return new BuildFailedException(first.error().getMessage() + tries + more + "; " + done + " of " + total
        + " steps are done: " + Fault.of(first.error()).advice(), first.error(), completed, false);
  }

  /**
   * Steps finished in this build, or journaled by an earlier one; not a step that runs on every
   * build (it reads facts or secrets): its journal line says only that it once worked.
   */
  private static long done(List<Step> steps, List<String> completed, Journal journal) {
    Set<String> finished = new HashSet<>(completed);
    return steps.stream().filter(s -> finished.contains(s.id())
        || (s.captures().isEmpty() && s.facts().isEmpty() && journal.isDone(s))).count();
  }

  private void runOne(Step s, Journal journal, List<String> ran, List<String> skipped,
      java.util.function.Consumer<Step> beforeEachStep) {
    // secrets and facts are not journaled: steps reading them run on every apply
    boolean capturesSecrets = !s.captures().isEmpty() || !s.facts().isEmpty();
    if (!capturesSecrets && journal.isDone(s)) {
      skipped.add(s.id());
      listener.stepSkipped(s, "done in an earlier build (journal)");
      return;
    }
    beforeEachStep.accept(s);
    long t0 = System.nanoTime();
    boolean wasDone = retries.run(() -> {
      if (!capturesSecrets && runner.alreadyDone(s, context)) {
        return true;
      }
      listener.stepStarted(s);
      runner.run(s, context);
      return false;
    }, (attempt, wait, error) -> {
      LOG.info("{}: retrying in {} ms after: {}", s.id(), wait.toMillis(),
          error == null ? "" : context.redactor().redact(error.getMessage()));
      listener.stepRetried(s, attempt, wait, error);
    }, () -> cancelRequested);
    journal.markDone(s);
    if (wasDone) {
      skipped.add(s.id());
      listener.stepSkipped(s, "its check found it done");
    } else {
      ran.add(s.id());
      listener.stepFinished(s, Duration.ofNanos(System.nanoTime() - t0));
    }
  }

  private static ThreadFactory threads() {
    int build = BUILDS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "kubesmith-build-" + build + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static void awaitQuietly(ExecutorService pool) {
    try {
      if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("build threads did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Configures an executor; the runner is required. */
  public static final class Builder {
    private StepRunner runner;
    private int parallelism = DEFAULT_PARALLELISM;
    private BuildListener listener = BuildListener.NONE;
    private Retries retries = Retries.ofDefaults();
    private Redactor redactor = new Redactor();

    public Builder runner(StepRunner runner) {
      this.runner = runner;
      return this;
    }

    /** Steps running at once across hosts (1-1000). */
    public Builder parallelism(int n) {
      if (n < 1 || n > 1000) {
        throw new IllegalArgumentException("parallelism must be 1-1000: " + n);
      }
      this.parallelism = n;
      return this;
    }

    public Builder listener(BuildListener listener) {
      this.listener = listener;
      return this;
    }

    public Builder retries(Retries retries) {
      this.retries = retries;
      return this;
    }

    public Builder redactor(Redactor redactor) {
      this.redactor = redactor;
      return this;
    }

    public BuildExecutor build() {
      if (runner == null) {
        throw new IllegalStateException("a BuildExecutor needs a runner(...)");
      }
      return new BuildExecutor(this);
    }
  }
}
