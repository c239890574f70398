package dev.kubesmith.network.lb;

import dev.kubesmith.network.internal.Interfaces;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Problem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The settings of the {@link LoadBalancerPair} as kept in the YAML spec, with their defaults.
 * Reading never throws: malformed values are reported by {@link #problems()} (and so by
 * {@link LoadBalancerPair#validate(ClusterSpec)}) together with every other problem of the spec.
 *
 * <pre>{@code
 * LoadBalancerSettings s = LoadBalancerSettings.of(Map.of("privateInterface", "ens18", "statsPort", "9000"));
 * s.privateInterface();   // Optional[ens18]
 * s.publicInterface();    // Optional.empty: each load balancer's own, from its facts
 * }</pre>
 */
public final class LoadBalancerSettings {
  public static final String PRIVATE_INTERFACE = "privateInterface";
  public static final String PUBLIC_INTERFACE = "publicInterface";
  public static final String INGRESS_NODES = "ingressNodes";
  public static final String STATS_PORT = "statsPort";
  public static final String VIRTUAL_ROUTER_ID = "virtualRouterId";

  public static final int DEFAULT_STATS_PORT = 8404;
  public static final int DEFAULT_VIRTUAL_ROUTER_ID = 51;

  private static final Set<String> KNOWN = Set.of(PRIVATE_INTERFACE, PUBLIC_INTERFACE, INGRESS_NODES, STATS_PORT,
      VIRTUAL_ROUTER_ID);
  private static final Pattern INTERFACE = Interfaces.NAME;
  /** Ports haproxy binds on every address; the stats frontend cannot share them. */
  private static final Set<Integer> TAKEN_PORTS = Set.of(80, 443, 6443);

  private final Map<String, String> raw;

  private LoadBalancerSettings(Map<String, String> raw) {
    this.raw = Map.copyOf(raw);
  }

  /** The settings as given; absent keys take their defaults. */
  public static LoadBalancerSettings of(Map<String, String> settings) {
    return new LoadBalancerSettings(settings);
  }

  public static LoadBalancerSettings defaults() {
    return new LoadBalancerSettings(Map.of());
  }

  /** The settings as given (without defaults), in key order, for the YAML spec. */
  public Map<String, String> asMap() {
    return Collections.unmodifiableSortedMap(new TreeMap<>(raw));
  }

  /** A copy with one setting replaced; the value is checked by {@link #problems()}. */
  LoadBalancerSettings with(String key, String value) {
    Map<String, String> m = new LinkedHashMap<>(raw);
    m.put(key, value);
    return new LoadBalancerSettings(m);
  }

  /**
   * The interface on the private network (VRRP and the private VIP) when given explicitly; empty
   * means each load balancer's own, the one holding its private IP (its facts).
   */
  public Optional<String> privateInterface() {
    return Optional.ofNullable(raw.get(PRIVATE_INTERFACE));
  }

  /** The interface carrying the public VIP when given explicitly; empty means each load balancer's own. */
  public Optional<String> publicInterface() {
    return Optional.ofNullable(raw.get(PUBLIC_INTERFACE));
  }

  /** The haproxy stats and health port, bound only to each load balancer's private IP. */
  public int statsPort() {
    return integer(STATS_PORT).orElse(DEFAULT_STATS_PORT);
  }

  /** VRRP router id of the private VIP; the public VIP uses the next one (255 wraps to 1). */
  public int virtualRouterId() {
    return integer(VIRTUAL_ROUTER_ID).orElse(DEFAULT_VIRTUAL_ROUTER_ID);
  }

  /** VRRP router id of the public VIP. */
  public int publicVirtualRouterId() {
    return virtualRouterId() % 255 + 1;
  }

  /** Host names given in {@code ingressNodes}, or empty when the setting is absent. */
  public Optional<List<String>> ingressNodeNames() {
    return Optional.ofNullable(raw.get(INGRESS_NODES)).map(v -> Arrays.stream(v.split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).toList());
  }

  /**
   * The hosts the ingress frontends (80/443) forward to: this pair's {@code ingressNodes}, else the
   * hosts the ingress addon runs on ({@link ClusterSpec#ingressNodeNames()}, e.g. {@code Traefik.onNodes}),
   * else the masters, where Traefik runs by default.
   */
  public List<Host> ingressNodes(ClusterSpec spec) {
    return ingressNodeNames().or(spec::ingressNodeNames)
        .map(names -> names.stream().map(spec::host).flatMap(Optional::stream).toList())
        .orElseGet(spec::masters);
  }

  /** Problems of the settings on their own: unknown keys and malformed values. */
  public List<Problem> problems() {
    List<Problem> p = new ArrayList<>();
    raw.keySet().stream().filter(k -> !KNOWN.contains(k)).sorted().forEach(k -> p.add(new Problem(
        field(k), raw.get(k), "is not a setting of haproxy-keepalived", "use one of " + new TreeSet<>(KNOWN))));
    for (String key : List.of(PRIVATE_INTERFACE, PUBLIC_INTERFACE)) {
      String v = raw.get(key);
      if (v != null && !INTERFACE.matcher(v).matches()) {
        p.add(new Problem(field(key), v, "is not a network interface name", "write the name `ip link` shows, e.g. ens18, or drop the setting to use each load balancer's own"));
      }
    }
    port(p);
    routerId(p);
    ingressNodeNames().filter(List::isEmpty).ifPresent(x -> p.add(new Problem(field(INGRESS_NODES), raw.get(INGRESS_NODES),
        "names no host", "list host names separated by commas, e.g. worker1,worker2, or drop the setting to use the masters")));
    return p;
  }

  private void port(List<Problem> p) {
    String v = raw.get(STATS_PORT);
    if (v == null) {
      return;
    }
    Optional<Integer> port = integer(STATS_PORT);
    if (port.isEmpty() || port.get() < 1 || port.get() > 65535) {
      p.add(new Problem(field(STATS_PORT), v, "is not a TCP port", "use 1-65535, e.g. " + DEFAULT_STATS_PORT));
    } else if (TAKEN_PORTS.contains(port.get())) {
      p.add(new Problem(field(STATS_PORT), v, "is already used by the API server or ingress frontend",
          "choose another port, e.g. " + DEFAULT_STATS_PORT));
    }
  }

  private void routerId(List<Problem> p) {
    String v = raw.get(VIRTUAL_ROUTER_ID);
    if (v == null) {
      return;
    }
    Optional<Integer> id = integer(VIRTUAL_ROUTER_ID);
    if (id.isEmpty() || id.get() < 1 || id.get() > 255) {
      p.add(new Problem(field(VIRTUAL_ROUTER_ID), v, "is not a VRRP router id (1-255)",
          "choose an id no other VRRP router on the network uses, e.g. " + DEFAULT_VIRTUAL_ROUTER_ID));
    }
  }

  private Optional<Integer> integer(String key) {
    String v = raw.get(key);
    if (v == null || !v.trim().matches("\\d{1,6}")) {
      return Optional.empty();
    }
    return Optional.of(Integer.parseInt(v.trim()));
  }

  static String field(String key) {
    return "components[" + LoadBalancerPair.NAME + "].settings." + key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LoadBalancerSettings s && s.raw.equals(raw);
  }

  @Override
  public int hashCode() {
    return raw.hashCode();
  }

  @Override
  public String toString() {
    return "LoadBalancerSettings" + asMap();
  }
}
