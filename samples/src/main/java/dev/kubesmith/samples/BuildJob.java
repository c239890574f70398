package dev.kubesmith.samples;

import dev.kubesmith.exec.BuildListener;
import dev.kubesmith.plan.Step;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One build {@link EmbeddedService} runs in the background, and the {@link BuildListener} that
 * records its progress: thread-safe, as the executor calls it from its threads.
 *
 * <pre>{@code
 * BuildJob job = service.submit(cluster, ApplyOptions.defaults());
 * job.awaitFinished(Duration.ofMinutes(30));
 * job.events();   // ["started prepare@master1", "done prepare@master1", ...]
 * }</pre>
 */
public final class BuildJob implements BuildListener {
  /** Where a job is. */
  public enum State { QUEUED, RUNNING, SUCCEEDED, FAILED }

  private final String id;
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile State state = State.QUEUED;
  private volatile int done;
  private volatile int total;
  private volatile String error;

  BuildJob(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public State state() {
    return state;
  }

  /** Steps done (run or skipped) so far, and of how many. */
  public int done() {
    return done;
  }

  public int total() {
    return total;
  }

  /** What happened, in order: {@code started ID}, {@code done ID}, {@code skipped ID}, {@code retry ID}, ... */
  public List<String> events() {
    return List.copyOf(events);
  }

  /** Why the job failed, when it did. */
  public String error() {
    return error;
  }

  /** Waits until the job succeeded or failed; false on timeout. */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  void running() {
    state = State.RUNNING;
  }

  void event(String event) {
    events.add(event);
  }

  void succeeded() {
    state = State.SUCCEEDED;
    finished.countDown();
  }

  void failed(Throwable e) {
    error = e.getMessage() == null ? e.toString() : e.getMessage();
    events.add("error " + error.lines().findFirst().orElse(""));
    state = State.FAILED;
    finished.countDown();
  }

  @Override
  public void stepStarted(Step step) {
    events.add("started " + step.id());
  }

  @Override
  public void stepSkipped(Step step, String why) {
    events.add("skipped " + step.id());
  }

  @Override
  public void stepFinished(Step step, Duration took) {
    events.add("done " + step.id());
  }

  @Override
  public void stepFailed(Step step, Throwable e) {
    events.add("failed " + step.id());
  }

  @Override
  public void stepRetried(Step step, int attempt, Duration wait, Throwable e) {
    events.add("retry " + step.id() + " (attempt " + attempt + ")");
  }

  @Override
  public void progress(int done, int total) {
    this.done = done;
    this.total = total;
  }

  /** The job as JSON: {@code {"id":"1","state":"RUNNING","done":3,"total":20,"events":[...]}}. */
  public String toJson() {
    StringBuilder sb = new StringBuilder("{\"id\":\"").append(id).append("\",\"state\":\"").append(state)
        .append("\",\"done\":").append(done).append(",\"total\":").append(total).append(",\"events\":[");
    List<String> e = events();
    for (int i = 0; i < e.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(quote(e.get(i)));
    }
    sb.append(']');
    if (error != null) {
      sb.append(",\"error\":").append(quote(error));
    }
    return sb.append('}').toString();
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> sb.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return sb.append('"').toString();
  }
}
