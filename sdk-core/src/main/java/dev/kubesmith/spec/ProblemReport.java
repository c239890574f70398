package dev.kubesmith.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Problems as lines a person reads: the same problem at more than {@link #PLACES_SHOWN} places (a bad
 * role on 50,000 lines) is one line naming the first {@link #PLACES_SHOWN} places and how many more, and at most
 * {@link #MAX_LINES} lines are printed, with a count of the rest. {@link InvalidSpecException#problems()}
 * still holds every problem for a program.
 *
 * <pre>{@code
 * ProblemReport.lines(e.problems()).forEach(System.err::println);
 * }</pre>
 */
public final class ProblemReport {
  /** Lines printed at most; the rest are counted. */
  public static final int MAX_LINES = 50;
  /** Places named in a line for a problem found at many places. */
  public static final int PLACES_SHOWN = 3;

  private ProblemReport() {}

  /** At most {@link #MAX_LINES} lines for these problems, grouped. */
  public static List<String> lines(List<Problem> problems) {
    Map<List<String>, List<Problem>> groups = new LinkedHashMap<>();
    for (Problem p : problems) {
      groups.computeIfAbsent(List.of(place(p.field()), p.reason(), p.fix()), k -> new ArrayList<>()).add(p);
    }
    List<String> out = new ArrayList<>();
    int shownProblems = 0;
    List<List<Problem>> lines = new ArrayList<>();
    for (List<Problem> g : groups.values()) {
      if (g.size() > PLACES_SHOWN) {
        lines.add(g);
      } else {
        g.forEach(p -> lines.add(List.of(p))); // a few places read best one line each
      }
    }
    for (List<Problem> g : lines) {
      if (out.size() == MAX_LINES - 1 && lines.size() > MAX_LINES) {
        int rest = problems.size() - shownProblems;
        out.add("... and " + rest + " more " + (rest == 1 ? "problem" : "problems") + " not shown ("
            + problems.size() + " in all); fix these first and run again");
        break;
      }
      out.add(line(g));
      shownProblems += g.size();
    }
    return out;
  }

  private static String line(List<Problem> g) {
    Problem first = g.get(0);
    if (g.size() == 1) {
      return first.message();
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(PLACES_SHOWN, g.size()); i++) {
      Problem p = g.get(i);
      s.append(i == 0 ? "" : ", ").append(ShownText.text(p.field()))
          .append(p.value() == null ? "" : " = " + ShownText.value(p.value()));
    }
    if (g.size() > PLACES_SHOWN) {
      s.append(" and ").append(g.size() - PLACES_SHOWN).append(" more");
    }
    return s + ": " + ShownText.text(first.reason()) + "; " + ShownText.text(first.fix());
  }

  /** A field with its index, line number or host name taken out: hosts[3].name and hosts[7].name are one place. */
  private static String place(String field) {
    return field.replaceAll("\\[[^\\]]*\\]", "[]").replaceAll("\\bline \\d+", "line").replaceAll("\\bhost \\S+", "host");
  }
}
