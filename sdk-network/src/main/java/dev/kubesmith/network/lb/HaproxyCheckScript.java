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
 * <p>It is also each VRRP instance's {@code notify} script and records the state keepalived reports
 * under {@value #STATE_DIR}: a lease is renewed only while the instance is MASTER, and a VIP found
 * here while it is BACKUP, FAULT or STOPped is removed. Without that, a renewal that ran just as
 * keepalived removed the VIP on going BACKUP added it back for good (both load balancers held the
 * VIP, measured under load), because keepalived never removes an address it thinks it does not hold.
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

  /** Where the script keeps the last VRRP state keepalived reported for each instance. */
  public static final String STATE_DIR = "/run/keepalived/kubesmith";

  /** The script for {@code lb}; pure, the same input gives the same text. */
  public static String render(ClusterSpec spec, Host lb, LoadBalancerSettings settings) {
    String address = lb.privateIp();
    int port = settings.statsPort();
    StringBuilder leases = new StringBuilder();
    for (String[] vip : vips(spec, lb, settings)) {
      leases.append("  lease ").append(vip[0]).append(' ').append(vip[1]).append(' ').append(vip[2]).append('\n');
    }
    if (leases.isEmpty()) {
      leases.append("  :\n");
    }
    return """
        #!/bin/bash
        # Written by kubesmith for %1$s: Keepalived's check that haproxy on this host serves, and
        # the notify script of its VRRP instances.
        # As the check (no arguments) it exits 0 only when haproxy answers 200 on %2$s:%3$d%4$s
        # (its monitor-uri), and then renews the lifetime of the VIPs this host holds as MASTER, so
        # they expire when no check runs. As the notify script (keepalived adds: INSTANCE name state
        # priority) it records the instance's state. A VIP held here by an instance that is not
        # MASTER is removed: a renewal that races keepalived's own removal adds it back (for IPv4
        # 'ip addr change' also adds a missing address), and keepalived does not remove what it
        # thinks it does not hold.
        set -u
        PATH=/usr/sbin:/usr/bin:/sbin:/bin
        STATE=%6$s
        # lease VIP DEV INSTANCE: renew the VIP if it is here and the instance is MASTER (or has not
        # reported yet); remove it if it is here and the instance is in any other state
        lease() {
          ip -o addr show dev "$2" to "${1%%/*}/32" | grep -q . || return 0
          local state=MASTER
          if [ -r "$STATE/$3" ]; then read -r state < "$STATE/$3" || state=MASTER; fi
          if [ "$state" = MASTER ]; then
            ip addr change "$1" dev "$2" valid_lft %7$d preferred_lft %7$d 2> /dev/null || true
          else
            ip addr del "$1" dev "$2" 2> /dev/null || true
          fi
        }
        leases() {
        %5$s}
        if [ "${1-}" = INSTANCE ] && [ $# -ge 3 ]; then
          mkdir -p "$STATE"
          printf '%%s\\n' "$3" > "$STATE/.$2.new" && mv -f "$STATE/.$2.new" "$STATE/$2"
          # entering MASTER: check and start the lease at once, not a second later
          [ "$3" = MASTER ] || { leases; exit 0; }
        fi
        # the whole exchange is bounded: a hung haproxy fails the check instead of stalling keepalived
        status=$(timeout 1 bash -c 'exec 3<>/dev/tcp/%2$s/%3$d || exit 1
          printf "GET %4$s HTTP/1.0\\r\\nHost: %2$s\\r\\n\\r\\n" >&3
          head -n 1 <&3' 2>/dev/null) || exit 1
        case "$status" in
          "HTTP/1."?" 200 "*) ;;
          *) exit 1 ;;
        esac
        leases
        exit 0
        """.formatted(lb.name(), address, port, HaproxyConfig.MONITOR_URI, leases, STATE_DIR, LEASE_SECONDS);
  }

  /** Each VIP with its prefix, the interface it goes on and its VRRP instance, private first. */
  private static List<String[]> vips(ClusterSpec spec, Host lb, LoadBalancerSettings settings) {
    List<String[]> vips = new ArrayList<>();
    spec.privateVip().ifPresent(v -> vips.add(new String[] {KeepalivedConfig.withPrefix(spec, v),
        KeepalivedConfig.privateInterface(lb, settings), KeepalivedConfig.PRIVATE_INSTANCE}));
    spec.publicVip().filter(v -> lb.publicIp().isPresent()).ifPresent(v -> vips.add(new String[] {
        KeepalivedConfig.withPrefix(spec, v), KeepalivedConfig.publicInterface(lb, settings),
        KeepalivedConfig.PUBLIC_INSTANCE}));
    return vips;
  }
}
