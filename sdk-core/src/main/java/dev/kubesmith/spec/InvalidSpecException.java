package dev.kubesmith.spec;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown before any host is touched when the cluster description is wrong. It carries every
 * problem found, not just the first, so one run shows the user everything to fix.
 */
public final class InvalidSpecException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient List<Problem> problems;

  public InvalidSpecException(List<Problem> problems) {
    super(format(problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an InvalidSpecException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in the order the fields were checked. */
  public List<Problem> problems() {
    return problems;
  }

  private static String format(List<Problem> problems) {
    if (problems.isEmpty()) {
      return "no problems";
    }
    return "the cluster spec has " + problems.size() + (problems.size() == 1 ? " problem" : " problems") + ":\n"
        + ProblemReport.lines(problems).stream().map(l -> "  - " + l).collect(Collectors.joining("\n"));
  }
}
