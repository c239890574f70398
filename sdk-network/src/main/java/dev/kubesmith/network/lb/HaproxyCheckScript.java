package dev.kubesmith.network.lb;

import dev.kubesmith.spec.Host;

/**
 * Renders {@code /etc/keepalived/check_haproxy.sh}, the Keepalived health check of one load
 * balancer: it exits 0 only when this host's haproxy answers {@code 200} on
 * {@code <own private IP>:<statsPort>/healthz}. It asks haproxy itself rather than looking for the
 * process, because a process check also sees another host's haproxy where hosts share a PID space
 * (containers, network namespaces), and a running haproxy that does not serve is no use either.
 * Plain bash ({@code /dev/tcp}) and coreutils {@code timeout}: no curl on the host needed.
 *
 * <pre>{@code
 * String script = HaproxyCheckScript.render(spec.requireHost("lb1"), LoadBalancerSettings.defaults());
 * }</pre>
 */
public final class HaproxyCheckScript {
  /** Path of the script on the load balancer; it must be owned by root and not writable by others. */
  public static final String PATH = "/etc/keepalived/check_haproxy.sh";
  /** The script's mode. */
  public static final int MODE = 0755;

  private HaproxyCheckScript() {}

  /** The script for {@code lb}; pure, the same input gives the same text. */
  public static String render(Host lb, LoadBalancerSettings settings) {
    String address = lb.privateIp();
    int port = settings.statsPort();
    return """
        #!/bin/bash
        # Written by kubesmith for %1$s: Keepalived's check that haproxy on this host serves.
        # Exits 0 only when haproxy answers 200 on %2$s:%3$d%4$s (its monitor-uri).
        set -u
        # the whole exchange is bounded: a hung haproxy fails the check instead of stalling keepalived
        status=$(timeout 1 bash -c 'exec 3<>/dev/tcp/%2$s/%3$d || exit 1
          printf "GET %4$s HTTP/1.0\\r\\nHost: %2$s\\r\\n\\r\\n" >&3
          head -n 1 <&3' 2>/dev/null) || exit 1
        case "$status" in
          "HTTP/1."?" 200 "*) exit 0 ;;
          *) exit 1 ;;
        esac
        """.formatted(lb.name(), address, port, HaproxyConfig.MONITOR_URI);
  }
}
