package dev.kubesmith.addons.testing;

import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Readiness;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One run of a plan's API steps against a {@link MockCluster}.
 *
 * @param alreadyApplied steps the runner's check found applied and ready, so it left them alone
 * @param requestsByStep every request the mock got while each step ran, in order, the stand-in controllers' included
 */
public record Run(Plan plan, List<String> alreadyApplied, Map<String, List<RecordedRequest>> requestsByStep) {
  /** Namespaces every cluster has, so objects in them need no Namespace of their own. */
  static final Set<String> BUILT_IN_NAMESPACES = Set.of("default", "kube-system", "kube-public", "kube-node-lease");

  /** Steps the runner applied and waited for. */
  public List<String> stepsRun() {
    return requestsByStep.keySet().stream().filter(s -> !alreadyApplied.contains(s)).toList();
  }

  /** Requests that change something (anything but GET), as {@code METHOD path}. */
  public List<String> writes() {
    return requestsByStep.values().stream().flatMap(List::stream).filter(r -> !r.getMethod().equals("GET"))
        .map(r -> r.getMethod() + " " + r.getPath()).toList();
  }

  /** The objects applied (server-side apply), in order, named as kubectl does: {@code resource[.group] [namespace/]name}. */
  public List<String> applied() {
    return appliedObjects().stream().map(AppliedObject::ref).toList();
  }

  /** The objects one step applied, in order. */
  public List<String> applied(String step) {
    return requestsByStep.getOrDefault(step, List.of()).stream().map(AppliedObject::of).flatMap(Optional::stream)
        .map(AppliedObject::ref).toList();
  }

  /** The field managers the applies named, and whether they forced conflicts, e.g. {@code [kubesmith force=true]}. */
  public Set<String> fieldManagers() {
    Set<String> managers = new TreeSet<>();
    appliedObjects().forEach(o -> managers.add(o.query().get("fieldManager") + " force=" + o.query().get("force")));
    return managers;
  }

  /**
   * What is applied out of order, for a run onto an empty cluster (should be nothing): an object
   * before its Namespace; a custom resource before its CRD, in the same step as its CRD, or after a
   * step that applied the CRD but did not wait for it to be Established.
   */
  public List<String> orderProblems() {
    Set<String> namespaces = new HashSet<>(BUILT_IN_NAMESPACES);
    Map<String, String> crdSteps = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (String step : requestsByStep.keySet()) {
      for (AppliedObject o : requestsByStep.get(step).stream().map(AppliedObject::of).flatMap(Optional::stream).toList()) {
        if (o.namespace() != null && !namespaces.contains(o.namespace())) {
          problems.add(o.ref() + " (step " + step + ") before its namespace");
        }
        if (o.resource().equals("namespaces") && o.group().isEmpty()) {
          namespaces.add(o.name());
        } else if (o.isCrd()) {
          crdSteps.put(o.name(), step);
        } else if (o.isCustom()) {
          String crdStep = crdSteps.get(o.crdName());
          if (crdStep == null) {
            problems.add(o.ref() + " (step " + step + ") before CRD " + o.crdName());
          } else if (crdStep.equals(step)) {
            problems.add(o.ref() + " in the same step as CRD " + o.crdName() + " (" + step + ")");
          } else if (!plan.requireStep(crdStep).waitFor().contains(Readiness.crd(o.crdName()))) {
            problems.add(o.ref() + " (step " + step + ") after step " + crdStep + ", which does not wait for CRD "
                + o.crdName() + " to be Established");
          }
        }
      }
    }
    return problems;
  }

  List<AppliedObject> appliedObjects() {
    return requestsByStep.values().stream().flatMap(List::stream).map(AppliedObject::of).flatMap(Optional::stream).toList();
  }
}
