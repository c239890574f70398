package dev.kubesmith.network.lb;

import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import java.util.List;

/**
 * Renders {@code /etc/haproxy/haproxy.cfg} for one load balancer (HAProxy 2.6, Debian 12): TCP
 * frontends for the API server (6443, to every master, with a TLS health check on
 * {@code /healthz}) and for the ingress (80 and 443, to the ingress nodes), and a stats frontend
 * bound only to this host's private IP whose {@code monitor-uri /healthz} the Keepalived check uses.
 *
 * <pre>{@code
 * String cfg = HaproxyConfig.render(spec, spec.requireHost("lb1"), LoadBalancerSettings.defaults());
 * }</pre>
 */
public final class HaproxyConfig {
  /** Path of the file on the load balancer. */
  public static final String PATH = "/etc/haproxy/haproxy.cfg";
  /** The path of the stats page on the stats port. */
  public static final String STATS_URI = "/stats";
  /** Answers 200 while haproxy runs; polled by {@link HaproxyCheckScript}. */
  public static final String MONITOR_URI = "/healthz";

  private HaproxyConfig() {}

  /** The configuration for {@code lb}; pure, the same input gives the same text. */
  public static String render(ClusterSpec spec, Host lb, LoadBalancerSettings settings) {
    StringBuilder b = new StringBuilder();
    b.append("# Written by kubesmith for ").append(lb.name()).append(" of cluster ").append(spec.name())
        .append("; changes are overwritten.\n");
    globalAndDefaults(b);
    apiServer(b, spec.masters());
    ingress(b, "ingress-http", 80, settings.ingressNodes(spec));
    ingress(b, "ingress-https", 443, settings.ingressNodes(spec));
    stats(b, lb, settings.statsPort());
    return b.toString();
  }

  private static void globalAndDefaults(StringBuilder b) {
    b.append("""

        global
            log /dev/log local0
            log /dev/log local1 notice
            chroot /var/lib/haproxy
            user haproxy
            group haproxy
            daemon
            # no maxconn: haproxy derives it from the file descriptor limit it is given

        defaults
            log global
            mode tcp
            option tcplog
            option dontlognull
            retries 3
            # a connection refused by a master that is down but not yet marked down goes to another one
            option redispatch
            timeout connect 5s
            # long client/server timeouts: kubectl watch, logs -f and exec keep connections open
            timeout client 1h
            timeout server 1h
            timeout check 5s
        """);
  }

  private static void apiServer(StringBuilder b, List<Host> masters) {
    b.append("""

        frontend kube-apiserver
            bind *:6443
            default_backend kube-apiserver

        backend kube-apiserver
            balance roundrobin
            option httpchk
            http-check send meth GET uri /healthz
            http-check expect status 200
            default-server inter 2s fall 3 rise 2
        """);
    for (Host m : masters) {
      b.append("    server ").append(m.name()).append(' ').append(m.privateIp())
          .append(":6443 check check-ssl verify none\n");
    }
  }

  private static void ingress(StringBuilder b, String name, int port, List<Host> nodes) {
    b.append('\n')
        .append("frontend ").append(name).append('\n')
        .append("    bind *:").append(port).append('\n')
        .append("    default_backend ").append(name).append("\n\n")
        .append("backend ").append(name).append('\n')
        .append("    balance roundrobin\n")
        .append("    default-server inter 2s fall 3 rise 2\n");
    for (Host n : nodes) {
      b.append("    server ").append(n.name()).append(' ').append(n.privateIp()).append(':').append(port)
          .append(" check\n");
    }
  }

  private static void stats(StringBuilder b, Host lb, int port) {
    b.append('\n')
        .append("# only on the private IP: the Keepalived check polls ").append(MONITOR_URI).append('\n')
        .append("frontend stats\n")
        .append("    bind ").append(lb.privateIp()).append(':').append(port).append('\n')
        .append("    mode http\n")
        .append("    option httplog\n")
        .append("    option dontlog-normal\n")
        .append("    timeout http-request 5s\n")
        .append("    monitor-uri ").append(MONITOR_URI).append('\n')
        .append("    stats enable\n")
        .append("    stats uri ").append(STATS_URI).append('\n')
        .append("    stats refresh 10s\n");
  }
}
