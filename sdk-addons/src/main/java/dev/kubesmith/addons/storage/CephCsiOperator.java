package dev.kubesmith.addons.storage;

import dev.kubesmith.component.PlanContext;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Step;
import dev.kubesmith.upstream.UpstreamFile;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The CSI drivers of rook v1.20: the ceph-csi-operator bundle ({@value RookCeph#CSI_OPERATOR_FILE})
 * and then the {@value RookCephManifests#CSI_GROUP} resources RookCeph takes out of upstream's
 * {@code operator.yaml}, or, when the caller turned them off, a plan note saying what is missing and
 * how to add it.
 */
final class CephCsiOperator {
  private CephCsiOperator() {}

  /**
   * Adds steps {@value RookCeph#STEP_CSI_OPERATOR} and {@value RookCeph#STEP_CSI_DRIVERS} after
   * {@value RookCeph#STEP_OPERATOR} when the bundle is given, else the note.
   *
   * @return whether the drivers are planned
   */
  static boolean contribute(PlanContext context, Optional<UpstreamFile> bundle, String operatorYaml) {
    if (bundle.isEmpty()) {
      context.note("rook-ceph: the CSI drivers are left out (withoutCsiDrivers(), or setting " + RookCeph.SETTING_CSI_DRIVERS
          + ": false), so rook-ceph-block volumes will not provision until the ceph-csi-operator bundle ("
          + RookCeph.CSI_OPERATOR_FILE + " of rook " + RookCeph.VERSION + ", " + RookCeph.upstreamUrl(RookCeph.CSI_OPERATOR_FILE)
          + ") is installed with the OperatorConfig and Drivers of operator.yaml, or ceph-csi otherwise."
          + " Drop withoutCsiDrivers() to have kubesmith install them.");
      return false;
    }
    String bundleYaml = context.mirror().fetch(bundle.get());
    Set<String> kinds = RookCephManifests.csiKinds(operatorYaml);
    context.add(Step.builder()
        .id(RookCeph.STEP_CSI_OPERATOR).phase(Phase.STORAGE).addAfterPhases(Phase.NODES).addDependsOn(RookCeph.STEP_OPERATOR)
        .description("ceph-csi-operator (" + RookCeph.CSI_OPERATOR_FILE + " of rook " + RookCeph.VERSION + ") in namespace "
            + RookCephManifests.NAMESPACE)
        .addManifests(Manifest.of(RookCeph.STEP_CSI_OPERATOR, bundleYaml))
        .waitFor(RookCephManifests.csiOperatorWaits(bundleYaml, kinds))
        .estimate(Duration.ofSeconds(60))
        .build());
    context.add(Step.builder()
        .id(RookCeph.STEP_CSI_DRIVERS).phase(Phase.STORAGE).addAfterPhases(Phase.NODES).addDependsOn(RookCeph.STEP_CSI_OPERATOR)
        .description("rook-ceph CSI drivers (" + String.join(", ", kinds) + " of operator.yaml) for the ceph-csi-operator")
        .addManifests(Manifest.of(RookCeph.STEP_CSI_DRIVERS, RookCephManifests.csiResources(operatorYaml)))
        .estimate(Duration.ofSeconds(10))
        .build());
    return true;
  }
}
