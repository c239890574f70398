package dev.kubesmith.addons.internal;

import dev.kubesmith.spec.Problem;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** What every addon does with the settings of its YAML form: names their fields and rejects unknown ones. */
public final class AddonSettings {
  private AddonSettings() {}

  /** The field a problem with an addon's setting names, e.g. {@code components[traefik].settings.domain}. */
  public static String field(String addon, String setting) {
    return "components[" + addon + "].settings." + setting;
  }

  /** Adds a problem, in key order, for each setting the addon does not know. */
  public static void rejectUnknown(String addon, Map<String, String> settings, Set<String> known, List<Problem> into) {
    new TreeMap<>(settings).forEach((k, v) -> {
      if (!known.contains(k)) {
        into.add(new Problem(field(addon, k), v, "is not a setting of " + addon, "use one of " + new TreeSet<>(known)));
      }
    });
  }
}
