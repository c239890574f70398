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

  /** Adds a step; a second step with the same id is a programming error. */
  public PlanBuilder add(Step step) {
    if (steps.putIfAbsent(step.id(), step) != null) {
      throw new IllegalStateException("two steps have the id " + step.id());
    }
    return this;
  }

  /** Records something the plan decided that the user should read. */
  public PlanBuilder note(String note) {
    notes.add(note);
    return this;
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
    for (Step s : steps.values()) {
      Set<String> deps = new LinkedHashSet<>(s.dependsOn());
      for (Phase p : s.afterPhases()) {
        steps.values().stream().filter(o -> o.phase() == p && !o.id().equals(s.id()))
            .forEach(o -> deps.add(o.id()));
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
