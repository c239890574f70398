package dev.kubesmith.component;

import dev.kubesmith.spec.ClusterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** The component providers on the class path, found by {@code ServiceLoader}. */
public final class Components {
  private Components() {}

  /** Every provider visible to this class's loader and the thread's context loader, by name. */
  public static List<ComponentProvider> available() {
    List<ComponentProvider> found = new ArrayList<>();
    load(Components.class.getClassLoader(), found);
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (context != null) {
      load(context, found);
    }
    return found;
  }

  private static void load(ClassLoader loader, List<ComponentProvider> into) {
    for (ComponentProvider p : ServiceLoader.load(ComponentProvider.class, loader)) {
      if (into.stream().noneMatch(q -> q.name().equals(p.name()))) {
        into.add(p);
      }
    }
  }

  public static Optional<ComponentProvider> named(String name) {
    return available().stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The default provider of a kind for the spec, if a module on the class path offers one. */
  public static Optional<ComponentProvider> defaultFor(ComponentKind kind, ClusterSpec spec) {
    return available().stream().filter(p -> p.kind() == kind && p.isDefaultFor(spec)).findFirst();
  }
}
