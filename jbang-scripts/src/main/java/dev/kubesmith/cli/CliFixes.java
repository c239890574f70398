package dev.kubesmith.cli;

import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Problem;
import dev.kubesmith.spec.ProblemReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SDK's problems in the CLI's terms: a spec field becomes the option that sets it, a Java fix
 * ({@code podCidr("10.0.0.0/16")}, {@code masters(3)}) becomes the option or inventory change a CLI user
 * makes, in the syntax of the inventory they gave (hosts file or Ansible INI).
 *
 * <pre>{@code
 * CliFixes.of(Inventory.Format.ANSIBLE_INI).apply(problem).message();
 * }</pre>
 */
final class CliFixes implements Function<Problem, Problem> {
  /** Spec fields the CLI sets from an option. */
  private static final Map<String, String> OPTIONS = Map.of(
      "network.podCidr", "--pod-cidr",
      "network.serviceCidr", "--service-cidr",
      "privateVip", "--vip",
      "publicVip", "--public-vip",
      "ssh.bastion", "--bastion",
      "ssh.user", "--ssh-user",
      "hosts", "--inventory",
      "registryMirror", "--registry-mirror");
  /** Component settings (components[NAME].settings.SETTING) the CLI sets from an option, by setting. */
  private static final Map<String, String> SETTING_OPTIONS = Map.of(
      "ingressNodes", "--ingress-nodes",
      "domain", "--domain",
      "privateInterface", "--lb-private-interface",
      "publicInterface", "--lb-public-interface");
  private static final Pattern COMPONENT_SETTING = Pattern.compile("components\\[[^\\]]+\\]\\.settings\\.(\\w+)");
  private final Map<Pattern, Function<MatchResult, String>> fixes = new LinkedHashMap<>();

  private CliFixes(Inventory.Format format) {
    boolean ini = format == Inventory.Format.ANSIBLE_INI;
    String masters = ini ? "hosts in [kube_control_plane]" : "hosts with role master";
    String lbs = ini ? "hosts in [lb]" : "hosts with role lb";
    rule("e\\.g\\. (\\S+) with podCidr\\(\\.\\.\\.\\)", m -> "e.g. --pod-cidr " + m.group(1));
    rule("e\\.g\\. (\\S+) with serviceCidr\\(\\.\\.\\.\\)", m -> "e.g. --service-cidr " + m.group(1));
    rule("podCidr\\(\"([^\"]*)\"\\)", m -> "--pod-cidr " + m.group(1));
    rule("podCidr\\(\\.\\.\\.\\)", m -> "--pod-cidr CIDR");
    rule("serviceCidr\\(\"([^\"]*)\"\\)", m -> "--service-cidr " + m.group(1));
    rule("serviceCidr\\(\\.\\.\\.\\)", m -> "--service-cidr CIDR");
    rule("publicVip\\(\\.\\.\\.\\)", m -> "--public-vip");
    rule("\\bvip\\(\"([^\"]*)\"\\)", m -> "--vip " + m.group(1));
    rule("\\bvip\\(\\.\\.\\.\\)", m -> "--vip");
    rule("Ssh\\.bastion\\(\"([^\"]*)\"\\)", m -> "--bastion " + m.group(1));
    rule("Ssh\\.trustOnFirstUse\\(\\)", m -> "--trust-on-first-use");
    rule("masters\\((\\d+)\\)", m -> m.group(1) + " " + masters);
    rule("Cluster\\.singleMaster\\(\\)", m -> "a single master (one of the " + masters + ", no " + lbs + ")");
    rule("Cluster\\.ha\\(\\)", m -> "an HA cluster (3 or more " + masters + " and 2 " + lbs + ")");
    rule("hostNetwork\\((\"[^\"]*\"|\\.\\.\\.)\\)", m -> "an address in the hosts' network (the CLI takes the host"
        + " networks from the inventory's addresses)");
    rule("(?:Traefik\\.defaults\\(\\)\\.)?(?:with(?:Ingress)?|on)Nodes\\(([^)]*)\\)", m -> "--ingress-nodes " + names(m.group(1)));
    rule("with(Private|Public)Interface\\(\"([^\"]*)\"\\)", m -> "--lb-" + m.group(1).toLowerCase(java.util.Locale.ROOT)
        + "-interface " + m.group(2));
    rule("\\bdomain\\(\"([^\"]*)\"\\)", m -> "--domain " + m.group(1));
    rule("\\bdomain\\(\\.\\.\\.\\)", m -> "--domain");
    rule("drop the setting", m -> "drop the option");
    // a Java list, e.g. [master1, worker1]: the CLI takes names separated by commas
    rule("\\[([\\w.-]+(?:, [\\w.-]+)+)\\]", m -> m.group(1).replace(", ", ","));
    rule("load an inventory with Inventory\\.load\\(path\\) and pass it to inventory\\(\\.\\.\\.\\)",
        m -> "give the hosts with --inventory FILE");
    if (ini) {
      rule("public=\\.\\.\\. in the hosts file", m -> "ansible_host=<public-ip> with ip=<private-ip> in the INI file");
      rule("public=([0-9.<>a-z-]+)", m -> "ansible_host=" + m.group(1) + " (with ip=<private-ip>)");
      rule("port=(\\d+|<n>)", m -> "ansible_port=" + m.group(1));
      rule("user=([a-z<>]+)", m -> "ansible_user=" + m.group(1));
    }
  }

  static CliFixes of(Inventory.Format format) {
    return new CliFixes(format);
  }

  /** The fixes for the inventory file given (its format detected as Inventory.load does); hosts-file syntax without one. */
  static CliFixes forInventory(Path inventory) {
    if (inventory == null) {
      return of(Inventory.Format.HOSTS_FILE);
    }
    try {
      return of(Inventory.detect(inventory.getFileName().toString(), Files.readString(inventory)));
    } catch (IOException | UncheckedIOException e) {
      return of(Inventory.Format.HOSTS_FILE); // the read error itself is reported where the file is loaded
    }
  }

  /** The problems in CLI terms, grouped and capped as {@link ProblemReport} does. */
  List<String> lines(List<Problem> problems) {
    return ProblemReport.lines(problems.stream().map(this).toList());
  }

  /** "worker1", "worker2" -> worker1,worker2 */
  private static String names(String javaArgs) {
    return String.join(",", java.util.Arrays.stream(javaArgs.split(",")).map(a -> a.strip().replace("\"", ""))
        .filter(a -> !a.isEmpty()).toList());
  }

  private void rule(String regex, Function<MatchResult, String> to) {
    fixes.put(Pattern.compile(regex), to);
  }

  @Override
  public Problem apply(Problem p) {
    String field = OPTIONS.getOrDefault(p.field(), p.field());
    Matcher setting = COMPONENT_SETTING.matcher(p.field());
    if (setting.matches()) {
      field = SETTING_OPTIONS.getOrDefault(setting.group(1), p.field());
    }
    return new Problem(field, p.value(), p.reason(), fix(p.fix()));
  }

  private String fix(String text) {
    String out = text;
    for (Map.Entry<Pattern, Function<MatchResult, String>> e : fixes.entrySet()) {
      out = e.getKey().matcher(out).replaceAll(m -> Matcher.quoteReplacement(e.getValue().apply(m)));
    }
    return out;
  }
}
