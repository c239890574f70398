package dev.kubesmith.cluster;

import dev.kubesmith.component.Component;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Orders addons so each comes after the ones it {@link Component#requires() requires}; stable otherwise. */
final class AddonOrder {
  private AddonOrder() {}

  static List<Component> sort(List<Component> addons) {
    Map<String, Component> byName = new LinkedHashMap<>();
    addons.forEach(a -> byName.put(a.name(), a));
    List<Component> out = new ArrayList<>();
    for (Component a : addons) {
      visit(a, byName, out, new ArrayList<>());
    }
    return out;
  }

  private static void visit(Component c, Map<String, Component> byName, List<Component> out, List<String> path) {
    if (out.contains(c)) {
      return;
    }
    if (path.contains(c.name())) {
      throw new IllegalArgumentException("addons require each other in a cycle: " + path + " -> " + c.name());
    }
    path.add(c.name());
    for (String r : c.requires()) {
      Component dep = byName.get(r);
      if (dep != null) {
        visit(dep, byName, out, path);
      }
    }
    path.remove(path.size() - 1);
    out.add(c);
  }
}
