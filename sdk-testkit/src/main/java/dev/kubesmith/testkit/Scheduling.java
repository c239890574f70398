package dev.kubesmith.testkit;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether a pod may run on a node, by the scheduler's rules the stand-in controllers follow
 * (kubernetes/kubernetes pkg/scheduler/framework/plugins: TaintToleration, NodeAffinity's
 * nodeSelector and requiredDuringSchedulingIgnoredDuringExecution; component-helpers' toleration
 * and node-selector matching). Resources, ports and preferred terms are not looked at.
 */
final class Scheduling {
  private Scheduling() {}

  static boolean fits(PodSpec pod, Node node) {
    Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    if (pod.getNodeSelector() != null && !pod.getNodeSelector().entrySet().stream()
        .allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()))) {
      return false;
    }
    var affinity = pod.getAffinity() == null || pod.getAffinity().getNodeAffinity() == null ? null
        : pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    // the terms are ORed, the expressions of a term ANDed; no term matches nothing
    if (affinity != null && affinity.getNodeSelectorTerms() != null && !affinity.getNodeSelectorTerms().isEmpty()
        && affinity.getNodeSelectorTerms().stream().noneMatch(t -> matches(t, node, labels))) {
      return false;
    }
    List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
    List<Toleration> tolerations = pod.getTolerations() == null ? List.of() : pod.getTolerations();
    // PreferNoSchedule never keeps a pod off; NoSchedule and NoExecute do unless tolerated
    return taints.stream().filter(t -> !"PreferNoSchedule".equals(t.getEffect()))
        .allMatch(t -> tolerations.stream().anyMatch(tol -> tolerates(tol, t)));
  }

  /** v1 helper ToleratesTaint: effect empty matches all, key empty with Exists matches every key. */
  static boolean tolerates(Toleration tol, Taint taint) {
    if (tol.getEffect() != null && !tol.getEffect().isEmpty() && !tol.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if (tol.getKey() != null && !tol.getKey().isEmpty() && !tol.getKey().equals(taint.getKey())) {
      return false;
    }
    String op = tol.getOperator() == null || tol.getOperator().isEmpty() ? "Equal" : tol.getOperator();
    if (op.equals("Exists")) {
      return true;
    }
    return op.equals("Equal") && tol.getKey() != null && !tol.getKey().isEmpty()
        && Objects.equals(Objects.requireNonNullElse(tol.getValue(), ""), Objects.requireNonNullElse(taint.getValue(), ""));
  }

  private static boolean matches(NodeSelectorTerm term, Node node, Map<String, String> labels) {
    boolean any = false;
    for (NodeSelectorRequirement r : term.getMatchExpressions() == null ? List.<NodeSelectorRequirement>of() : term.getMatchExpressions()) {
      any = true;
      if (!matches(r, labels.get(r.getKey()), labels.containsKey(r.getKey()))) {
        return false;
      }
    }
    for (NodeSelectorRequirement r : term.getMatchFields() == null ? List.<NodeSelectorRequirement>of() : term.getMatchFields()) {
      any = true;
      // the only field the scheduler supports: metadata.name
      if (!"metadata.name".equals(r.getKey()) || !matches(r, node.getMetadata().getName(), true)) {
        return false;
      }
    }
    return any; // an empty term matches no node
  }

  private static boolean matches(NodeSelectorRequirement r, String value, boolean present) {
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    return switch (r.getOperator()) {
      case "In" -> present && values.contains(value);
      case "NotIn" -> !present || !values.contains(value);
      case "Exists" -> present;
      case "DoesNotExist" -> !present;
      case "Gt", "Lt" -> present && values.size() == 1 && isLong(value) && isLong(values.get(0))
          && (r.getOperator().equals("Gt") ? Long.parseLong(value) > Long.parseLong(values.get(0))
              : Long.parseLong(value) < Long.parseLong(values.get(0)));
      default -> false;
    };
  }

  private static boolean isLong(String s) {
    try {
      Long.parseLong(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
