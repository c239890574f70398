package dev.kubesmith.samples;

import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.exec.BuildFailedException;
import dev.kubesmith.exec.BuildListener;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.InvalidSpecException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every sample does with its cluster: plan only, or apply with one line per step; and how it
 * turns failures into exit codes (0 ok, 1 invalid input, 2 usage, 5 build failed).
 */
final class SampleRun {
  static final int OK = 0;
  static final int INVALID_INPUT = 1;
  static final int USAGE = 2;
  static final int BUILD_FAILED = 5;

  private SampleRun() {}

  /** Builds the cluster (reporting every problem), then plans to a directory or applies. */
  static int planOrApply(SampleOptions options, Supplier<Cluster> cluster, PrintStream out, PrintStream err) {
    Optional<Cluster> built = build(cluster, err);
    if (built.isEmpty()) {
      return INVALID_INPUT;
    }
    Cluster c = built.get();
    if (options.planOnly().isPresent()) {
      Path dir = c.plan().render(options.planOnly().get());
      out.println("planned " + c + ": written to " + dir);
      return OK;
    }
    ApplyOptions apply = ApplyOptions.defaults().listener(printing(out));
    options.stateDir().ifPresent(apply::stateDirectory);
    try {
      BuildResult result = c.apply(apply);
      out.println("built " + c + ": " + result.ran().size() + " steps ran, " + result.skipped().size() + " already done");
      return OK;
    } catch (BuildFailedException e) {
      err.println("error: " + e.getMessage());
      return BUILD_FAILED;
    }
  }

  /** The cluster, or empty with every problem printed one per line. */
  static <T> Optional<T> build(Supplier<T> cluster, PrintStream err) {
    try {
      return Optional.of(cluster.get());
    } catch (InvalidSpecException e) {
      e.problems().forEach(p -> err.println("error: " + p.message()));
    } catch (IllegalArgumentException | UncheckedIOException e) {
      err.println("error: " + e.getMessage());
    }
    return Optional.empty();
  }

  /** A listener printing one line per finished or failed step. */
  static BuildListener printing(PrintStream out) {
    return new BuildListener() {
      @Override
      public void stepFinished(Step step, Duration took) {
        out.println("done " + step.id() + " in " + took.toMillis() + " ms");
      }

      @Override
      public void stepFailed(Step step, Throwable error) {
        out.println("failed " + step.id() + ": " + error.getMessage());
      }
    };
  }

  /**
   * The frame of every sample's {@code run}: --help, the options (a usage error exits 2 naming the
   * option), then the body.
   */
  static int run(String sample, String what, String defaultInventory, String[] args, PrintStream out, PrintStream err,
      Function<SampleOptions, Integer> body) {
    if (SampleOptions.wantsHelp(args)) {
      out.print(SampleOptions.help(sample, what));
      return OK;
    }
    SampleOptions options;
    try {
      options = SampleOptions.parse(args, defaultInventory);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println("Run '" + sample + " --help' for usage.");
      return USAGE;
    }
    return body.apply(options);
  }
}
