package dev.kubesmith.addons.storage;

import dev.kubesmith.addons.testing.Mirrors;
import dev.kubesmith.upstream.UpstreamMirror;
import java.nio.file.Path;

/**
 * A temporary mirror holding the offline mirror plus {@code rook-ceph/csi-operator.yaml}, and that
 * file's SHA-256. The file is test data standing in for rook's ceph-csi-operator bundle (see the
 * comment at its top), because the offline mirror does not hold the real one.
 */
record CsiOperatorStandIn(UpstreamMirror mirror, String sha256, String yaml) {
  static final String RESOURCE = "/dev/kubesmith/addons/storage/csi-operator-stand-in.yaml";

  static CsiOperatorStandIn in(Path dir) {
    return with(dir, Mirrors.resource(RESOURCE));
  }

  /** A mirror with {@code yaml} as the bundle, e.g. a broken one. */
  static CsiOperatorStandIn with(Path dir, String yaml) {
    return new CsiOperatorStandIn(Mirrors.offlinePlus(dir, "rook-ceph/" + RookCeph.CSI_OPERATOR_FILE, yaml),
        Mirrors.sha256(yaml), yaml);
  }
}
