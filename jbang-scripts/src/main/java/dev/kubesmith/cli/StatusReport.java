package dev.kubesmith.cli;

import dev.kubesmith.cli.ClusterStatus.AddonStatus;
import dev.kubesmith.cli.ClusterStatus.CertificateStatus;
import dev.kubesmith.cli.ClusterStatus.NodeStatus;
import dev.kubesmith.cli.ClusterStatus.VipStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * How {@code kubesmith status} prints a {@link ClusterStatus} and judges it; pure, so the wording
 * is tested without a cluster.
 *
 * <pre>
 * cluster kubesmith (SINGLE_MASTER)
 * nodes: 2 of 2 Ready
 *   NAME     STATUS  ROLES          VERSION  INTERNAL-IP
 *   master1  Ready   control-plane  v1.34.2  198.18.4.31
 *   worker1  Ready   worker         v1.34.2  198.18.4.41
 * addons:
 *   rook-ceph        absent
 *   traefik          ready (daemonset traefik/traefik 1/1)
 * private VIP 192.168.4.100: on lb1
 * API server certificate: expires 2027-11-26T04:16:42Z (in 365 days), CN=kube-apiserver
 * healthy
 * </pre>
 */
final class StatusReport {
  /** A certificate expiring sooner than this makes the cluster unhealthy: time to renew it. */
  static final Duration CERTIFICATE_WARNING = Duration.ofDays(30);

  private StatusReport() {}

  /** The exit code the status calls for: unreachable before unhealthy before ok. */
  static int exitCode(ClusterStatus status, Instant now) {
    if (!status.unreachable().isEmpty()) {
      return KubesmithCli.UNREACHABLE;
    }
    return problems(status, now).isEmpty() ? KubesmithCli.OK : KubesmithCli.NOT_HEALTHY;
  }

  /** Every reason the cluster is not healthy, each naming what and how to look further. */
  static List<String> problems(ClusterStatus status, Instant now) {
    List<String> out = new ArrayList<>(status.unreachable());
    for (NodeStatus n : status.nodes()) {
      if (!n.ready()) {
        out.add("node " + n.name() + " is not Ready (" + n.reason() + "); see journalctl -u kubelet on it");
      }
    }
    for (String m : status.missingNodes()) {
      out.add("node " + m + " of the inventory is not registered; run 'kubesmith apply' to join it");
    }
    for (AddonStatus a : status.addons()) {
      if (a.expected() && a.state() != AddonStatus.State.READY) {
        out.add("addon " + a.name() + " (named in --addons) is " + describe(a)
            + "; run 'kubesmith apply' with the same --addons");
      }
    }
    for (VipStatus v : status.vips()) {
      if (v.holders().isEmpty() && v.unreachable().isEmpty()) {
        out.add(v.kind() + " VIP " + v.address() + " is on no load balancer; check keepalived on "
            + "the load balancers (systemctl status keepalived)");
      } else if (v.holders().size() > 1) {
        out.add(v.kind() + " VIP " + v.address() + " is on " + String.join(" and ", v.holders())
            + " at once (split brain: VRRP between them is blocked); check the firewall and keepalived");
      }
    }
    status.certificate().ifPresent(c -> {
      if (!c.notAfter().isAfter(now)) {
        out.add("the API server certificate expired at " + c.notAfter() + "; renew it with 'kubeadm certs renew "
            + "apiserver' on every master");
      } else if (Duration.between(now, c.notAfter()).compareTo(CERTIFICATE_WARNING) < 0) {
        out.add("the API server certificate expires in " + days(now, c.notAfter()) + " at " + c.notAfter()
            + "; renew it with 'kubeadm certs renew apiserver' on every master");
      }
    });
    return out;
  }

  /** The whole report, ending with "healthy" or the problems. */
  static String format(ClusterStatus status, Instant now) {
    StringBuilder sb = new StringBuilder();
    sb.append("cluster ").append(status.cluster()).append(" (").append(status.topology()).append(")\n");
    long ready = status.nodes().stream().filter(NodeStatus::ready).count();
    int expected = status.nodes().size() + status.missingNodes().size();
    sb.append("nodes: ").append(ready).append(" of ").append(expected).append(" Ready\n");
    if (!status.nodes().isEmpty()) {
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"NAME", "STATUS", "ROLES", "VERSION", "INTERNAL-IP"});
      for (NodeStatus n : status.nodes()) {
        rows.add(new String[] {n.name(), n.ready() ? "Ready" : "NotReady",
            n.roles().isEmpty() ? "<none>" : String.join(",", n.roles()), n.version(), n.internalIp()});
      }
      status.missingNodes().forEach(m -> rows.add(new String[] {m, "missing", "-", "-", "-"}));
      table(rows).forEach(l -> sb.append("  ").append(l).append('\n'));
    }
    if (!status.addons().isEmpty()) {
      sb.append("addons:\n");
      int width = status.addons().stream().mapToInt(a -> a.name().length()).max().orElse(0) + 2;
      for (AddonStatus a : status.addons()) {
        sb.append("  ").append(pad(a.name(), width)).append(describe(a)).append('\n');
      }
    }
    for (VipStatus v : status.vips()) {
      sb.append(v.kind()).append(" VIP ").append(v.address()).append(": ");
      sb.append(v.holders().isEmpty() ? "on no load balancer" : "on " + String.join(", ", v.holders()));
      if (!v.unreachable().isEmpty()) {
        sb.append(" (not asked: ").append(String.join(", ", v.unreachable())).append(')');
      }
      sb.append('\n');
    }
    status.certificate().ifPresent(c -> sb.append(certificate(c, now)).append('\n'));
    List<String> problems = problems(status, now);
    if (problems.isEmpty()) {
      sb.append("healthy\n");
    } else {
      sb.append(problems.size() == 1 ? "1 problem:\n" : problems.size() + " problems:\n");
      problems.forEach(p -> sb.append("  - ").append(p).append('\n'));
    }
    return sb.toString();
  }

  /** {@code API server certificate: expires 2027-...Z (in 365 days), CN=...}. */
  static String certificate(CertificateStatus c, Instant now) {
    String when = c.notAfter().isAfter(now) ? "expires " + c.notAfter() + " (in " + days(now, c.notAfter()) + ")"
        : "EXPIRED " + c.notAfter();
    return "API server certificate: " + when + ", " + c.subject();
  }

  static String describe(AddonStatus a) {
    return switch (a.state()) {
      case READY -> "ready (" + a.detail() + ")";
      case NOT_READY -> "not ready (" + a.detail() + ")";
      case ABSENT -> "absent";
    };
  }

  /** {@code 1 day}, {@code 12 days}; under a day in hours. */
  static String days(Instant now, Instant then) {
    long d = ChronoUnit.DAYS.between(now, then);
    if (d >= 1) {
      return d + (d == 1 ? " day" : " days");
    }
    long h = Math.max(0, ChronoUnit.HOURS.between(now, then));
    return h + (h == 1 ? " hour" : " hours");
  }

  /** Columns padded to their widest cell, two spaces apart; the last column unpadded. */
  static List<String> table(List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] r : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    Function<String[], String> line = r -> {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        sb.append(i == columns - 1 ? r[i] : pad(r[i], width[i] + 2));
      }
      return sb.toString();
    };
    return rows.stream().map(line).toList();
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }
}
