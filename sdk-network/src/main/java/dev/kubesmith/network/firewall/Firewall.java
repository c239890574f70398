package dev.kubesmith.network.firewall;

import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.PlanContext;
import dev.kubesmith.network.internal.Interfaces;
import dev.kubesmith.plan.Facts;
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
 * from the cluster's own hosts on the private interface and from pods on the nodes, HTTP/HTTPS from
 * anywhere, the rest dropped, IPv6 included (see {@link IptablesRules}, {@link Ip6tablesRules}), and
 * strict reverse-path filtering on the private interface ({@link #SYSCTL_PATH}). Rules name the
 * interfaces each host's facts report, unless the settings {@code privateInterface} /
 * {@code publicInterface} name them. Contributes one step {@code firewall@<host>} per host in phase
 * {@link Phase#FIREWALL}, after {@code prepare@<host>} and {@code facts@<host>}. Without a bastion
 * SSH stays open from anywhere, and the plan says so in a note.
 *
 * <pre>{@code
 * Component firewall = Firewall.iptables();
 * firewall.contribute(new PlanContext(spec, mirror, planBuilder));   // firewall@bastion, firewall@lb1, ...
 * }</pre>
 */
public final class Firewall implements Component {
  /** The component's name in the YAML spec. */
  public static final String NAME = "iptables";
  /** Setting: the private interface of every host, instead of each host's fact. */
  public static final String PRIVATE_INTERFACE = "privateInterface";
  /** Setting: the public interface of every host with a public IP, instead of each host's fact. */
  public static final String PUBLIC_INTERFACE = "publicInterface";
  /** Reverse-path filtering: strict on the private interface, loose on the public one. */
  public static final String SYSCTL_PATH = "/etc/sysctl.d/90-kubesmith-firewall.conf";

  private static final Firewall INSTANCE = new Firewall(Map.of());

  /** Settings given in the YAML spec; unknown ones and malformed names are reported by validate. */
  private final Map<String, String> settings;

  private Firewall(Map<String, String> settings) {
    this.settings = Map.copyOf(settings);
  }

  /** The iptables firewall, naming each host's interfaces from its facts. */
  public static Firewall iptables() {
    return INSTANCE;
  }

  /** The firewall from its YAML form; bad settings are reported by {@link #validate(ClusterSpec)}. */
  public static Firewall of(ComponentSpec spec) {
    return spec.settings().isEmpty() ? INSTANCE : new Firewall(spec.settings());
  }

  /** The same firewall with every host's private interface named explicitly; checked by validate. */
  public Firewall withPrivateInterface(String name) {
    return with(PRIVATE_INTERFACE, name);
  }

  /** The same firewall with every public interface named explicitly; checked by validate. */
  public Firewall withPublicInterface(String name) {
    return with(PUBLIC_INTERFACE, name);
  }

  private Firewall with(String key, String value) {
    Map<String, String> m = new TreeMap<>(settings);
    m.put(key, value);
    return new Firewall(m);
  }

  private IptablesRules.Overrides overrides() {
    return new IptablesRules.Overrides(java.util.Optional.ofNullable(settings.get(PRIVATE_INTERFACE)),
        java.util.Optional.ofNullable(settings.get(PUBLIC_INTERFACE)));
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
    new TreeMap<>(settings).forEach((k, v) -> {
      String field = "components[" + NAME + "].settings." + k;
      if (!k.equals(PRIVATE_INTERFACE) && !k.equals(PUBLIC_INTERFACE)) {
        p.add(new Problem(field, v, "is not a setting of the iptables firewall",
            "remove it; the settings are " + PRIVATE_INTERFACE + " and " + PUBLIC_INTERFACE));
      } else if (v == null || !Interfaces.NAME.matcher(v).matches()) {
        p.add(new Problem(field, v, "is not a network interface name",
            "write the name `ip link` shows, e.g. ens18, or drop the setting to use each host's own"));
      }
    });
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
    // one text for every host: the plan holds the inventory's addresses once, not once per host
    FileArtifact set = FileArtifact.of(IptablesRules.SET_PATH, IptablesRules.renderSet(spec), 0640);
    for (Host host : spec.hosts()) {
      context.add(step(spec, host, set));
    }
  }

  private Step step(ClusterSpec spec, Host host, FileArtifact set) {
    String priv = Interfaces.privateOf(host, overrides().privateInterface());
    List<FileArtifact> files = List.of(
        FileArtifact.of(IptablesRules.PATH, IptablesRules.render(spec, host, overrides()), 0640),
        FileArtifact.of(Ip6tablesRules.PATH, Ip6tablesRules.render(spec, host), 0640),
        FileArtifact.of(SYSCTL_PATH, reversePathFilter(host, priv), 0644),
        FileArtifact.of(FirewallScript.PATH, FirewallScript.render(), FirewallScript.MODE),
        set);
    dev.kubesmith.plan.ImmutableStep.Builder b = Step.builder()
        .id("firewall@" + host.name())
        .phase(Phase.FIREWALL)
        .host(host.name())
        .description("iptables firewall on " + host.name() + " (IPv4 and IPv6, reverse-path filter)")
        .addDependsOn("prepare@" + host.name())
        .files(files)
        .addCommands("sysctl -q -p " + SYSCTL_PATH, FirewallScript.PATH)
        .addPackages("iptables", "iptables-persistent", "ipset")
        .check("[ \"$(sysctl -n net/ipv4/conf/" + priv + "/rp_filter)\" = 1 ]"
            + " && " + FirewallScript.PATH + " --check")
        .estimate(Duration.ofSeconds(20));
    if (files.stream().anyMatch(f -> Interfaces.usesFacts(f.content()))) {
      b.addDependsOn(Facts.stepId(host.name()));
    }
    return b.build();
  }

  /**
   * Strict reverse-path filtering where it is safe: on the private interface every source has its
   * route there (the host network, Calico's routes), so a packet claiming such a source on another
   * interface is dropped by the kernel. Loose on the public interface: providers often route the
   * public side asymmetrically (default route elsewhere), and strict would drop real clients; the
   * interface-bound rules drop forged private sources there. The kernel uses the higher of
   * {@code all} and the interface's value, so {@code all} is set to 0 (Debian's systemd default
   * is 2, which would make every interface loose).
   */
  private String reversePathFilter(Host host, String priv) {
    StringBuilder b = new StringBuilder("# Written by kubesmith: reverse-path filtering (see the firewall docs).\n")
        .append("net.ipv4.conf.all.rp_filter = 0\n")
        .append("net/ipv4/conf/").append(priv).append("/rp_filter = 1\n");
    Interfaces.publicOf(host, overrides().publicInterface())
        .ifPresent(pub -> b.append("net/ipv4/conf/").append(pub).append("/rp_filter = 2\n"));
    return b.toString();
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
