package dev.kubesmith.network.lb;

import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders {@code /etc/keepalived/check_haproxy.sh}, the Keepalived health check of one load
 * balancer: it exits 0 only when this host's haproxy answers {@code 200} on
 * {@code <own private IP>:<statsPort>/healthz}. It asks haproxy itself rather than looking for the
 * process, because a process check also sees another host's haproxy where hosts share a PID space
 * (containers, network namespaces), and a running haproxy that does not serve is no use either.
 * Plain bash ({@code /dev/tcp}) and coreutils {@code timeout}: no curl on the host needed.
 *
 * <p>It is also the VIPs' dead man's switch. Keepalived adds a VIP for good, so a holder whose
 * keepalived is killed (SIGKILL, OOM, every process gone while the kernel stays up) kept the
 * address and answered ARP for it. After each healthy check the script renews the lifetime of the
 * VIPs this host holds to {@value #LEASE_SECONDS} s ({@code ip addr change ... valid_lft}, only for
 * an address it finds on the interface, as IPv4 {@code change} would add a missing one); when nothing runs the check any more, the kernel itself removes them. A
 * live keepalived that misses the renewals sees its VIP go and adds it again at once.
 *
 * <pre>{@code
 * String script = HaproxyCheckScript.render(spec, spec.requireHost("lb1"), LoadBalancerSettings.defaults());
 * }</pre>
 */
public final class HaproxyCheckScript {
  /** Path of the script on the load balancer; it must be owned by root and not writable by others. */
  public static final String PATH = "/etc/keepalived/check_haproxy.sh";
  /** The script's mode. */
  public static final int MODE = 0755;
  /**
   * Lifetime of a VIP between renewals: longer than Keepalived's own fault detection (check every
   * second, two failures, two seconds timeout), short enough that a dead holder drops it quickly.
   */
  public static final int LEASE_SECONDS = 5;

  private HaproxyCheckScript() {}

  /** The script for {@code lb}; pure, the same input gives the same text. */
  public static String render(ClusterSpec spec, Host lb, LoadBalancerSettings settings) {
    String address = lb.privateIp();
    int port = settings.statsPort();
    StringBuilder leases = new StringBuilder();
    for (String[] vip : vips(spec, lb, settings)) {
      String ip = vip[0].substring(0, vip[0].indexOf('/'));
      leases.append("if ip -o addr show dev ").append(vip[1]).append(" to ").append(ip).append("/32 | grep -q .; then\n")
          .append("  ip addr change ").append(vip[0]).append(" dev ").append(vip[1])
          .append(" valid_lft ").append(LEASE_SECONDS).append(" preferred_lft ").append(LEASE_SECONDS)
          .append(" 2>/dev/null || true\nfi\n");
    }
    return """
        #!/bin/bash
        # Written by kubesmith for %1$s: Keepalived's check that haproxy on this host serves.
        # Exits 0 only when haproxy answers 200 on %2$s:%3$d%4$s (its monitor-uri), and then
        # renews the lifetime of the VIPs this host holds, so they expire when no check runs.
        set -u
        PATH=/usr/sbin:/usr/bin:/sbin:/bin
        # the whole exchange is bounded: a hung haproxy fails the check instead of stalling keepalived
        status=$(timeout 1 bash -c 'exec 3<>/dev/tcp/%2$s/%3$d || exit 1
          printf "GET %4$s HTTP/1.0\\r\\nHost: %2$s\\r\\n\\r\\n" >&3
          head -n 1 <&3' 2>/dev/null) || exit 1
        case "$status" in
          "HTTP/1."?" 200 "*) ;;
          *) exit 1 ;;
        esac
        # only the VIPs held here: for IPv4 'ip addr change' also adds an address that is missing
        %5$sexit 0
        """.formatted(lb.name(), address, port, HaproxyConfig.MONITOR_URI, leases);
  }

  /** Each VIP with its prefix and the interface it goes on, private first. */
  private static List<String[]> vips(ClusterSpec spec, Host lb, LoadBalancerSettings settings) {
    List<String[]> vips = new ArrayList<>();
    spec.privateVip().ifPresent(v -> vips.add(new String[] {KeepalivedConfig.withPrefix(spec, v),
        KeepalivedConfig.privateInterface(lb, settings)}));
    spec.publicVip().filter(v -> lb.publicIp().isPresent()).ifPresent(v -> vips.add(new String[] {
        KeepalivedConfig.withPrefix(spec, v), KeepalivedConfig.publicInterface(lb, settings)}));
    return vips;
  }
}
