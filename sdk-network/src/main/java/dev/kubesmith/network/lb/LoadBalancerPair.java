package dev.kubesmith.network.lb;

import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.PlanContext;
import dev.kubesmith.network.internal.HostCommands;
import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ComponentSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.InvalidSpecException;
import dev.kubesmith.spec.Problem;
import java.time.Duration;
import java.util.List;

/**
 * The HA front of the cluster: HAProxy and Keepalived on every host with role {@code lb}, holding
 * the private VIP in front of the API servers (6443) and the ingress (80/443), and the public VIP
 * when the spec has one. Contributes one step {@code load-balancer@<lb>} per load balancer, in
 * phase {@link Phase#LOAD_BALANCER}, after {@code prepare@<lb>}.
 *
 * <pre>{@code
 * Component lb = LoadBalancerPair.defaults()
 *     .withPrivateInterface("ens18")
 *     .withIngressNodes("worker1", "worker2", "worker3");
 * }</pre>
 *
 * <p>Settings in the YAML spec (all optional): {@code privateInterface} and {@code publicInterface}
 * (each load balancer's own, the interfaces its facts report), {@code ingressNodes} (comma-separated host names; the masters), {@code statsPort} (8404),
 * {@code virtualRouterId} (51; the public VIP uses the next id).
 */
public final class LoadBalancerPair implements Component {
  /** The component's name in the YAML spec. */
  public static final String NAME = "haproxy-keepalived";
  /** The sysctl file that lets haproxy bind the VIPs on the host that does not hold them. */
  public static final String SYSCTL_PATH = "/etc/sysctl.d/99-kubesmith-lb.conf";

  private final LoadBalancerSettings settings;

  private LoadBalancerPair(LoadBalancerSettings settings) {
    this.settings = settings;
  }

  /** The pair with default settings. */
  public static LoadBalancerPair defaults() {
    return new LoadBalancerPair(LoadBalancerSettings.defaults());
  }

  /** The pair from its YAML form; malformed settings are reported by {@link #validate(ClusterSpec)}. */
  public static LoadBalancerPair of(ComponentSpec spec) {
    return new LoadBalancerPair(LoadBalancerSettings.of(spec.settings()));
  }

  public LoadBalancerPair withPrivateInterface(String name) {
    return with(LoadBalancerSettings.PRIVATE_INTERFACE, name);
  }

  public LoadBalancerPair withPublicInterface(String name) {
    return with(LoadBalancerSettings.PUBLIC_INTERFACE, name);
  }

  /** The hosts the ingress frontends (80/443) forward to, instead of the masters. */
  public LoadBalancerPair withIngressNodes(String... hostNames) {
    return with(LoadBalancerSettings.INGRESS_NODES, String.join(",", hostNames));
  }

  public LoadBalancerPair withStatsPort(int port) {
    return with(LoadBalancerSettings.STATS_PORT, String.valueOf(port));
  }

  public LoadBalancerPair withVirtualRouterId(int id) {
    return with(LoadBalancerSettings.VIRTUAL_ROUTER_ID, String.valueOf(id));
  }

  /**
   * Only stores the value: a bad one is reported by {@link #validate(ClusterSpec)} with every other
   * problem of the spec, in one InvalidSpecException, instead of one exception per setter.
   */
  private LoadBalancerPair with(String key, String value) {
    return new LoadBalancerPair(settings.with(key, String.valueOf(value)));
  }

  public LoadBalancerSettings settings() {
    return settings;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ComponentKind kind() {
    return ComponentKind.LOAD_BALANCER;
  }

  @Override
  public List<Problem> validate(ClusterSpec spec) {
    return LoadBalancerRules.problems(spec, settings);
  }

  @Override
  public void contribute(PlanContext context) {
    ClusterSpec spec = context.spec();
    List<Problem> problems = validate(spec);
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
    for (Host lb : spec.loadBalancers()) {
      context.add(step(spec, lb));
    }
  }

  private Step step(ClusterSpec spec, Host lb) {
    List<FileArtifact> files = List.of(
        FileArtifact.of(HaproxyConfig.PATH, HaproxyConfig.render(spec, lb, settings), 0644),
        FileArtifact.of(KeepalivedConfig.PATH, KeepalivedConfig.render(spec, lb, settings), 0640),
        FileArtifact.of(HaproxyCheckScript.PATH, HaproxyCheckScript.render(spec, lb, settings), HaproxyCheckScript.MODE),
        FileArtifact.of(SYSCTL_PATH, "# Written by kubesmith: haproxy may bind the VIPs this host does not hold.\n"
            + "net.ipv4.ip_nonlocal_bind = 1\n", 0644));
    return Step.builder()
        .id("load-balancer@" + lb.name())
        .phase(Phase.LOAD_BALANCER)
        .host(lb.name())
        .description("HAProxy + Keepalived on " + lb.name() + " for " + spec.privateVip().orElse("")
            + spec.publicVip().map(v -> " and " + v).orElse(""))
        .addDependsOn("prepare@" + lb.name())
        // keepalived.conf and the check name the interfaces the host's facts report, unless set
        .addDependsOn(dev.kubesmith.plan.Facts.stepId(lb.name()))
        .files(files)
        .commands(commands())
        .addPackages("haproxy", "keepalived")
        .check(HostCommands.filesMatch(files)
            + " && [ \"$(sysctl -n net.ipv4.ip_nonlocal_bind)\" = 1 ]"
            + " && systemctl is-active --quiet haproxy && systemctl is-active --quiet keepalived")
        .estimate(Duration.ofSeconds(60))
        .build();
  }

  private static List<String> commands() {
    return List.of(
        HostCommands.installPackages("haproxy", "keepalived"),
        "sysctl -q -p " + SYSCTL_PATH,
        // SELinux (RHEL) keeps haproxy from binding 6443 unless it may connect and bind any port
        "if command -v selinuxenabled >/dev/null 2>&1 && selinuxenabled; then setsebool -P haproxy_connect_any 1; fi",
        "haproxy -c -q -f " + HaproxyConfig.PATH,
        "keepalived -t -f " + KeepalivedConfig.PATH,
        "systemctl enable -q haproxy keepalived",
        "systemctl reload-or-restart haproxy",
        "systemctl reload-or-restart keepalived");
  }

  @Override
  public ComponentSpec describe() {
    return ComponentSpec.of(NAME, settings.asMap());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LoadBalancerPair p && p.settings.equals(settings);
  }

  @Override
  public int hashCode() {
    return settings.hashCode();
  }

  @Override
  public String toString() {
    return NAME + settings.asMap();
  }
}
