package dev.kubesmith.plan;

import dev.kubesmith.spec.ClusterSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Collects the steps components contribute and turns them into a checked {@link Plan}: ids unique,
 * dependencies known, no cycles, phase dependencies resolved into step ids, steps in a stable
 * topological order.
 */
public final class PlanBuilder {
  private final Map<String, Step> steps = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();
  /** Each distinct file content once: equal texts of many hosts become one String (see {@link #shared}). */
  private final Map<String, String> contents = new java.util.HashMap<>();

  /** Adds a step; a second step with the same id is a programming error. */
  public PlanBuilder add(Step step) {
    Step s = shared(step);
    if (steps.putIfAbsent(s.id(), s) != null) {
      throw new IllegalStateException("two steps have the id " + s.id());
    }
    return this;
  }

  /**
   * The step with each file content replaced by an equal one already in the plan, if any. Hosts of a
   * kind get equal files (scripts, configurations, the firewall's address set); holding each once
   * keeps the plan's heap linear in the host count, and the renderer writes a shared content once
   * and hard-links the other copies (issue 11: 10,000 hosts within a 256 MB heap).
   */
  private Step shared(Step step) {
    boolean changed = false;
    List<FileArtifact> files = new ArrayList<>(step.files().size());
    for (FileArtifact f : step.files()) {
      String canonical = contents.putIfAbsent(f.content(), f.content());
      if (canonical != null && canonical != f.content()) {
        files.add(ImmutableFileArtifact.builder().from(f).content(canonical).build());
        changed = true;
      } else {
        files.add(f);
      }
    }
    return changed ? Step.builder().from(step).files(files).build() : step;
  }

  /** Records something the plan decided that the user should read. */
  public PlanBuilder note(String note) {
    notes.add(note);
    return this;
  }

  /** The notes recorded so far. */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  public Optional<Step> step(String id) {
    return Optional.ofNullable(steps.get(id));
  }

  public List<Step> steps() {
    return List.copyOf(steps.values());
  }

  /** Ids of the steps added so far in a phase, optionally only those on a host. */
  public List<String> idsIn(Phase phase) {
    return steps.values().stream().filter(s -> s.phase() == phase).map(Step::id).toList();
  }

  public Plan build(ClusterSpec spec) {
    Map<String, Step> resolved = new LinkedHashMap<>();
    // each phase's steps listed once: scanning every step for every afterPhases step grew with the square of the hosts
    Map<Phase, List<String>> byPhase = new java.util.EnumMap<>(Phase.class);
    steps.values().forEach(o -> byPhase.computeIfAbsent(o.phase(), k -> new ArrayList<>()).add(o.id()));
    for (Step s : steps.values()) {
      Set<String> deps = new LinkedHashSet<>(s.dependsOn());
      for (Phase p : s.afterPhases()) {
        byPhase.getOrDefault(p, List.of()).stream().filter(id -> !id.equals(s.id())).forEach(deps::add);
      }
      for (String d : deps) {
        if (!steps.containsKey(d)) {
          throw new IllegalStateException("step " + s.id() + " depends on unknown step " + d);
        }
      }
      resolved.put(s.id(), ImmutableStep.builder().from(s).dependsOn(deps).afterPhases(Set.of()).build());
    }
    return new Plan(spec, topologicalOrder(resolved), notes);
  }

  /** Kahn's algorithm, always taking the ready step that was added first, so output is stable. */
  private static List<Step> topologicalOrder(Map<String, Step> byId) {
    Map<String, Integer> waiting = new HashMap<>();
    Map<String, Integer> index = new HashMap<>();
    Map<String, List<String>> dependents = new HashMap<>();
    for (Step s : byId.values()) {
      index.put(s.id(), index.size());
      waiting.put(s.id(), s.dependsOn().size());
      for (String d : s.dependsOn()) {
        dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(s.id());
      }
    }
    PriorityQueue<String> ready = new PriorityQueue<>(Comparator.comparing(index::get));
    byId.keySet().stream().filter(id -> waiting.get(id) == 0).forEach(ready::add);
    List<Step> out = new ArrayList<>();
    while (!ready.isEmpty()) {
      String id = ready.poll();
      out.add(byId.get(id));
      for (String dep : dependents.getOrDefault(id, List.of())) {
        if (waiting.merge(dep, -1, Integer::sum) == 0) {
          ready.add(dep);
        }
      }
    }
    if (out.size() != byId.size()) {
      List<String> stuck = byId.keySet().stream().filter(id -> waiting.get(id) > 0).toList();
      throw new IllegalStateException("the plan's steps form a cycle among " + stuck);
    }
    return out;
  }
}
