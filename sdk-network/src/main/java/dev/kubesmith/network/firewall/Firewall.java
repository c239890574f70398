package dev.kubesmith.network.firewall;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Host hardening with iptables on every host of the spec: SSH only from the bastion, everything
 * between the cluster's hosts and from pods, HTTP/HTTPS from anywhere, the rest dropped (see
 * {@link IptablesRules}). Contributes one step {@code firewall@<host>} per host in phase
 * {@link Phase#FIREWALL}, after {@code prepare@<host>}. Without a bastion SSH stays open from
 * anywhere, and the plan says so in a note.
 *
 * <pre>{@code
 * Component firewall = Firewall.iptables();
 * firewall.contribute(new PlanContext(spec, mirror, planBuilder));   // firewall@bastion, firewall@lb1, ...
 * }</pre>
 */
public final class Firewall implements Component {
  /** The component's name in the YAML spec. */
  public static final String NAME = "iptables";

  private static final Firewall INSTANCE = new Firewall(Map.of());

  /** Settings given in the YAML spec; the firewall has none, so any is reported by validate. */
  private final Map<String, String> settings;

  private Firewall(Map<String, String> settings) {
    this.settings = Map.copyOf(settings);
  }

  /** The iptables firewall; it has no settings. */
  public static Firewall iptables() {
    return INSTANCE;
  }

  /** The firewall from its YAML form; settings, which it has none of, are reported by {@link #validate(ClusterSpec)}. */
  public static Firewall of(ComponentSpec spec) {
    return spec.settings().isEmpty() ? INSTANCE : new Firewall(spec.settings());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ComponentKind kind() {
    return ComponentKind.FIREWALL;
  }

  /**
   * The bastion must be a host of the spec, or the firewall could not admit SSH from it (worded as
   * the core validator words it); and the firewall takes no settings.
   */
  @Override
  public List<Problem> validate(ClusterSpec spec) {
    List<Problem> p = new ArrayList<>();
    if (spec.ssh().bastion().isPresent() && spec.bastionHost().isEmpty()) {
      p.add(new Problem("ssh.bastion", spec.ssh().bastion().get(), "no host with role bastion has this name or address",
          "add the bastion to the inventory, e.g. '192.168.4.10 bastion bastion public=203.0.113.10'"));
    }
    new TreeMap<>(settings).forEach((k, v) -> p.add(new Problem("components[" + NAME + "].settings." + k, v,
        "is not a setting: the iptables firewall has none", "remove it")));
    return p;
  }

  @Override
  public void contribute(PlanContext context) {
    ClusterSpec spec = context.spec();
    List<Problem> problems = validate(spec);
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
    if (spec.bastionHost().isEmpty()) {
      context.note("No bastion: the firewall admits SSH (port " + spec.ssh().port()
          + ") from anywhere on every host. Add a host with role bastion and ssh.bastion to allow SSH only from it.");
    }
    for (Host host : spec.hosts()) {
      context.add(step(spec, host));
    }
  }

  private static Step step(ClusterSpec spec, Host host) {
    List<FileArtifact> files = List.of(
        FileArtifact.of(IptablesRules.PATH, IptablesRules.render(spec, host), 0640),
        FileArtifact.of(FirewallScript.PATH, FirewallScript.render(), FirewallScript.MODE));
    return Step.builder()
        .id("firewall@" + host.name())
        .phase(Phase.FIREWALL)
        .host(host.name())
        .description("iptables firewall on " + host.name())
        .addDependsOn("prepare@" + host.name())
        .files(files)
        .addCommands(FirewallScript.PATH)
        .check(HostCommands.filesMatch(files) + " && " + FirewallScript.PATH + " --check")
        .estimate(Duration.ofSeconds(20))
        .build();
  }

  @Override
  public ComponentSpec describe() {
    return ComponentSpec.of(NAME, settings);
  }

  @Override
  public String toString() {
    return NAME;
  }
}
