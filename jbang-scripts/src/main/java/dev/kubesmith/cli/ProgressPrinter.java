package dev.kubesmith.cli;

import dev.kubesmith.exec.BuildListener;
import dev.kubesmith.plan.Step;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Progress of {@code kubesmith apply}. On a terminal one line redrawn in place (carriage return):
 * {@code [########------------] 12/31 steps  running: prepare@worker1, join-worker@worker2}, with
 * retries and failures printed above it; otherwise plain lines, one per event:
 *
 * <pre>
 * started prepare@worker1 (worker1)
 * done prepare@worker1 in 1.2s
 * skipped calico (done in an earlier build (journal))
 * retry 2 of join-worker@worker2 in 1.0s: ...
 * failed join-worker@worker2: ...
 * </pre>
 *
 * Thread-safe: the executor calls it from its threads; every event is handled under one lock, so
 * lines never interleave. The rendering ({@link #bar}, {@link #started}, ...) is pure.
 */
final class ProgressPrinter implements BuildListener {
  /** Characters between the brackets of the bar. */
  static final int BAR_WIDTH = 20;
  /** Running steps named on the bar; more are counted. */
  static final int RUNNING_SHOWN = 3;

  private final PrintWriter out;
  private final boolean tty;
  private final Set<String> running = new LinkedHashSet<>();
  private int done;
  private int total;
  private int drawn; // length of the bar line on screen, 0 when none is

  ProgressPrinter(PrintWriter out, boolean tty) {
    this.out = out;
    this.tty = tty;
  }

  @Override
  public synchronized void stepStarted(Step step) {
    running.add(step.id());
    event(started(step), false);
  }

  @Override
  public synchronized void stepSkipped(Step step, String why) {
    running.remove(step.id());
    event(skipped(step, why), false);
  }

  @Override
  public synchronized void stepFinished(Step step, Duration took) {
    running.remove(step.id());
    event(finished(step, took), false);
  }

  @Override
  public synchronized void stepFailed(Step step, Throwable error) {
    running.remove(step.id());
    event(failed(step, error), true);
  }

  @Override
  public synchronized void stepRetried(Step step, int attempt, Duration wait, Throwable error) {
    event(retried(step, attempt, wait, error), true);
  }

  @Override
  public synchronized void progress(int done, int total) {
    this.done = done;
    this.total = total;
    if (tty) {
      redraw();
    }
  }

  /** Ends the bar's line (on a terminal), so what follows starts on a line of its own. */
  synchronized void finish() {
    if (tty && drawn > 0) {
      out.println();
      drawn = 0;
    }
    out.flush();
  }

  /** Plain: the line. Terminal: the bar, redrawn; lines that matter (retries, failures) above it. */
  private void event(String line, boolean important) {
    if (!tty) {
      out.println(line);
      out.flush();
      return;
    }
    if (important) {
      clear();
      out.println(line);
    }
    redraw();
  }

  private void clear() {
    if (drawn > 0) {
      out.print("\r" + " ".repeat(drawn) + "\r");
      drawn = 0;
    }
  }

  private void redraw() {
    String line = bar(done, total, List.copyOf(running));
    // Pad over what was there before: the line may have become shorter.
    out.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
    out.flush();
    drawn = line.length();
  }

  /** The bar line: {@code [#####---------------] 5/20 steps  running: a, b, c, +2 more}. */
  static String bar(int done, int total, List<String> running) {
    int filled = total <= 0 ? 0 : (int) ((long) Math.min(done, total) * BAR_WIDTH / total);
    StringBuilder sb = new StringBuilder("[").append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled))
        .append("] ").append(done).append('/').append(total).append(" steps");
    if (!running.isEmpty()) {
      List<String> shown = new ArrayList<>(running.subList(0, Math.min(RUNNING_SHOWN, running.size())));
      if (running.size() > RUNNING_SHOWN) {
        shown.add("+" + (running.size() - RUNNING_SHOWN) + " more");
      }
      sb.append("  running: ").append(String.join(", ", shown));
    }
    return sb.toString();
  }

  static String started(Step step) {
    return "started " + step.id() + " (" + step.host().orElse("Kubernetes API") + ")";
  }

  static String skipped(Step step, String why) {
    return "skipped " + step.id() + " (" + why + ")";
  }

  static String finished(Step step, Duration took) {
    return "done " + step.id() + " in " + seconds(took);
  }

  static String retried(Step step, int attempt, Duration wait, Throwable error) {
    return "retry " + attempt + " of " + step.id() + " in " + seconds(wait) + ": " + firstLine(error);
  }

  static String failed(Step step, Throwable error) {
    return "failed " + step.id() + ": " + firstLine(error);
  }

  /** {@code 1.2s}. */
  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
  }

  private static String firstLine(Throwable error) {
    if (error == null) {
      return "unknown error";
    }
    String m = error.getMessage() == null ? error.toString() : error.getMessage();
    return m.lines().findFirst().orElse(m).strip();
  }
}
