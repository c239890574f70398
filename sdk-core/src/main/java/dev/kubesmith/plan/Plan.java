package dev.kubesmith.plan;

import dev.kubesmith.spec.ClusterSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The build as a DAG of named, idempotent steps, in a topological order, with every file each step
 * writes and every command it runs (secrets as placeholders). Nothing here touches a host.
 *
 * <pre>{@code
 * Plan plan = cluster.plan();
 * plan.render(Path.of("out"));   // out/plan.json, out/plan.md, out/hosts/<host>/..., out/cluster/*.yaml
 * }</pre>
 */
public final class Plan {
  private final ClusterSpec spec;
  private final List<Step> steps;
  private final List<String> notes;

  Plan(ClusterSpec spec, List<Step> steps, List<String> notes) {
    this.spec = spec;
    this.steps = List.copyOf(steps);
    this.notes = List.copyOf(notes);
  }

  public ClusterSpec spec() {
    return spec;
  }

  /** Steps in an order in which every step comes after its dependencies. */
  public List<Step> steps() {
    return steps;
  }

  /** What the planner decided for the user (moved default ranges, DNS records to create, ...). */
  public List<String> notes() {
    return notes;
  }

  public Optional<Step> step(String id) {
    return steps.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /** The step with that id, or an IllegalArgumentException naming it. */
  public Step requireStep(String id) {
    return step(id).orElseThrow(() -> new IllegalArgumentException("no step '" + id + "' in the plan"));
  }

  /** Steps that run on a host, in plan order. */
  public List<Step> stepsOn(String host) {
    return steps.stream().filter(s -> s.host().filter(host::equals).isPresent()).toList();
  }

  /**
   * The longest chain of step durations through the DAG: the least wall time any executor can
   * reach with unlimited parallelism.
   */
  public Duration criticalPath(Function<Step, Duration> duration) {
    Map<String, Duration> finish = new HashMap<>();
    Duration longest = Duration.ZERO;
    for (Step s : steps) {
      Duration start = s.dependsOn().stream().map(finish::get).max(Duration::compareTo).orElse(Duration.ZERO);
      Duration end = start.plus(duration.apply(s));
      finish.put(s.id(), end);
      if (end.compareTo(longest) > 0) {
        longest = end;
      }
    }
    return longest;
  }

  /** The chain of step ids of {@link #criticalPath(Function)}, first to last. */
  public List<String> criticalChain(Function<Step, Duration> duration) {
    Map<String, Duration> finish = new HashMap<>();
    Map<String, String> via = new HashMap<>();
    String last = null;
    for (Step s : steps) {
      String prev = null;
      Duration start = Duration.ZERO;
      for (String d : s.dependsOn()) {
        if (finish.get(d).compareTo(start) > 0 || prev == null) {
          start = finish.get(d);
          prev = d;
        }
      }
      finish.put(s.id(), start.plus(duration.apply(s)));
      via.put(s.id(), prev);
      if (last == null || finish.get(s.id()).compareTo(finish.get(last)) > 0) {
        last = s.id();
      }
    }
    List<String> chain = new ArrayList<>();
    for (String id = last; id != null; id = via.get(id)) {
      chain.add(0, id);
    }
    return chain;
  }

  /** Every Debian package the plan's host steps install ({@link Step#packages()}), sorted: what an offline bundle holds. */
  public java.util.SortedSet<String> packages() {
    return steps.stream().flatMap(s -> s.packages().stream())
        .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
  }

  /**
   * Every container image the plan's manifests name (an {@code image} field anywhere: containers,
   * init containers, custom resources such as CephCluster), sorted: what a registry mirror must serve.
   */
  public java.util.SortedSet<String> images() {
    java.util.SortedSet<String> images = new java.util.TreeSet<>();
    tools.jackson.dataformat.yaml.YAMLMapper yaml = tools.jackson.dataformat.yaml.YAMLMapper.builder().build();
    for (Step s : steps) {
      for (Manifest m : s.manifests()) {
        try (tools.jackson.databind.MappingIterator<tools.jackson.databind.JsonNode> docs =
                 yaml.readerFor(tools.jackson.databind.JsonNode.class).readValues(m.yaml())) {
          while (docs.hasNext()) {
            collectImages(docs.next(), images);
          }
        }
      }
    }
    return images;
  }

  private static void collectImages(tools.jackson.databind.JsonNode node, java.util.Set<String> images) {
    if (node.isObject()) {
      for (java.util.Map.Entry<String, tools.jackson.databind.JsonNode> e : node.properties()) {
        if (e.getKey().equals("image") && e.getValue().isString() && e.getValue().asString().matches("\\S+[:@]\\S+")) {
          images.add(e.getValue().asString());
        } else {
          collectImages(e.getValue(), images);
        }
      }
    } else if (node.isArray()) {
      node.forEach(n -> collectImages(n, images));
    }
  }

  /**
   * Writes the whole build to {@code dir}: {@code plan.json}, {@code plan.md},
   * {@code hosts/<host>/<absolute path>} for each file, {@code cluster/<name>.yaml} for each manifest.
   * A directory holding an earlier plan is replaced; a non-empty directory that is not a plan is refused.
   */
  public Path render(Path dir) {
    try {
      return PlanRenderer.render(this, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the plan to " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks, without writing, that {@link #render(Path)} may write into dir: it is new, empty, or holds
   * only a plan kubesmith wrote (every file listed unchanged in kubesmith-plan.sha256). Throws with the
   * same message render would, naming the first file kubesmith did not write.
   */
  public static void requireRenderable(Path dir) {
    try {
      PlanRenderer.requireRenderable(dir.toAbsolutePath().normalize());
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the plan to " + dir + ": " + e.getMessage(), e);
    }
  }

  /** plan.json as text. */
  public String toJson() {
    return PlanRenderer.json(this);
  }

  /** plan.md as text. */
  public String toMarkdown() {
    return PlanRenderer.markdown(this);
  }
}
