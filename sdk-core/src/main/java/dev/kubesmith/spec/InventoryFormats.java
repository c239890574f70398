package dev.kubesmith.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** Parsers of the inventory formats; each collects every bad line before throwing. */
final class InventoryFormats {
  private static final Map<String, Role> ANSIBLE_GROUPS = Map.ofEntries(
      Map.entry("kube_control_plane", Role.MASTER), Map.entry("kube-master", Role.MASTER),
      Map.entry("kube_master", Role.MASTER), Map.entry("masters", Role.MASTER),
      Map.entry("kube_node", Role.WORKER), Map.entry("kube-node", Role.WORKER), Map.entry("workers", Role.WORKER),
      Map.entry("bastion", Role.BASTION), Map.entry("lb", Role.LB), Map.entry("loadbalancer", Role.LB),
      Map.entry("loadbalancers", Role.LB), Map.entry("haproxy", Role.LB), Map.entry("nfs", Role.NFS));

  private InventoryFormats() {}

  static List<Host> hostsFile(String text) {
    List<Host> hosts = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].replaceAll("#.*", "").strip();
      if (line.isEmpty()) {
        continue;
      }
      String field = "inventory line " + (i + 1);
      String[] words = line.split("\\s+");
      if (words.length < 3) {
        problems.add(new Problem(field, line, "has " + words.length + " fields",
            "write '<private-ip> <hostname> <role>[,<role>...] [public=<ip>]', e.g. '192.168.4.31 master1 master'"));
        continue;
      }
      ImmutableHost.Builder b = Host.builder().privateIp(words[0]).name(words[1]);
      for (String r : words[2].split(",")) {
        try {
          b.addRoles(Role.parse(r));
        } catch (IllegalArgumentException e) {
          problems.add(new Problem(field, r, "is not a role", "use bastion, lb, master, worker or nfs"));
        }
      }
      for (int w = 3; w < words.length; w++) {
        option(field, words[w], b, problems);
      }
      hosts.add(b.build());
    }
    return finish(hosts, problems, HOSTS_EXAMPLE);
  }

  private static final String HOSTS_EXAMPLE = "add one line per host, e.g. '192.168.4.31 master1 master'";

  private static void option(String field, String word, ImmutableHost.Builder b, List<Problem> problems) {
    int eq = word.indexOf('=');
    String key = eq < 0 ? word : word.substring(0, eq).toLowerCase(Locale.ROOT);
    String value = eq < 0 ? "" : word.substring(eq + 1);
    try {
      switch (key) {
        case "public" -> b.publicIp(value);
        case "port" -> b.sshPort(Integer.parseInt(value));
        case "user" -> b.sshUser(value);
        case "memory" -> b.memoryMib(memoryMib(value));
        default -> problems.add(new Problem(field, word, "is not a known option",
            "use public=<ip>, port=<n>, user=<name> or memory=<size, e.g. 8G>"));
      }
    } catch (NumberFormatException e) {
      problems.add(new Problem(field, word, "has a malformed number", "write e.g. port=2222 or memory=8G"));
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(field, word, e.getMessage(), "write a positive size with its unit, e.g. memory=8G or memory=8192M"));
    }
  }

  /**
   * Parses 8G, 8192M, 8Gi, 8GiB (binary units: G = 1024 MiB). A unit is required: a bare 8 could mean
   * bytes, MiB or GiB, so it is refused rather than guessed; so are zero, negative and overflowing sizes.
   */
  static int memoryMib(String v) {
    String s = v.trim().toUpperCase(Locale.ROOT).replaceFirst("I?B?$", "");
    int factor = s.endsWith("G") ? 1024 : s.endsWith("M") ? 1 : 0;
    if (factor == 0) {
      throw new IllegalArgumentException(s.matches("-?\\d+") ? "has no unit" : "is not a memory size");
    }
    String digits = s.substring(0, s.length() - 1);
    if (!digits.matches("\\d{1,9}")) {
      throw new IllegalArgumentException(digits.startsWith("-") ? "is negative" : "is not a memory size");
    }
    long mib = Long.parseLong(digits) * factor;
    if (mib < 1 || mib > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(mib < 1 ? "is zero" : "is too large");
    }
    return (int) mib;
  }

  static List<Host> ansibleIni(String text) {
    Map<String, Map<String, String>> vars = new LinkedHashMap<>();
    Map<String, Map<String, String>> groupVars = new LinkedHashMap<>();
    Map<String, List<String>> groups = new LinkedHashMap<>();
    List<Problem> problems = new ArrayList<>();
    String group = "ungrouped";
    String section = "hosts";
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = iniContent(lines[i], section.equals("hosts"));
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        String g = line.substring(1, line.length() - 1).strip().toLowerCase(Locale.ROOT);
        int colon = g.indexOf(':');
        section = colon < 0 ? "hosts" : g.substring(colon + 1);
        group = colon < 0 ? g : g.substring(0, colon);
        continue;
      }
      if (section.equals("vars")) {
        groupVar(line, i, groupVars.computeIfAbsent(group, k -> new LinkedHashMap<>()), problems);
        continue;
      }
      if (!section.equals("hosts")) {
        continue; // [group:children] carries no hosts
      }
      String[] words = line.split("\\s+");
      String name = words[0];
      Map<String, String> hv = vars.computeIfAbsent(name, k -> new LinkedHashMap<>());
      groups.computeIfAbsent(name, k -> new ArrayList<>()).add(group);
      for (int w = 1; w < words.length; w++) {
        int eq = words[w].indexOf('=');
        if (eq <= 0) {
          problems.add(new Problem("inventory line " + (i + 1), words[w], "is not key=value", "write e.g. ansible_host=10.0.0.5"));
        } else {
          hv.put(words[w].substring(0, eq), unquote(words[w].substring(eq + 1)));
        }
      }
    }
    List<Host> hosts = new ArrayList<>();
    for (var e : vars.entrySet()) {
      // Ansible's precedence: [all:vars], then the host's groups' vars, then the host line itself.
      Map<String, String> hv = new LinkedHashMap<>(groupVars.getOrDefault("all", Map.of()));
      groups.get(e.getKey()).forEach(g -> hv.putAll(groupVars.getOrDefault(g, Map.of())));
      hv.putAll(e.getValue());
      iniHost(e.getKey(), hv, groups.get(e.getKey()), problems).ifPresent(hosts::add);
    }
    return finish(hosts, problems, INI_EXAMPLE);
  }

  private static final String INI_EXAMPLE = "add the host under its group, e.g. '[kube_control_plane]' then "
      + "'master1 ansible_host=192.168.4.31'";

  /**
   * A line without its comment, as ansible's INI inventory reads it: ';' and '#' start a comment at the
   * start of the line or after whitespace; on host lines, which ansible splits like a shell, '#' also
   * ends a word. Inside quotes neither is a comment.
   */
  static String iniContent(String line, boolean hostLine) {
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        quote = c == quote ? 0 : quote;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if ((c == ';' || c == '#') && (i == 0 || Character.isWhitespace(line.charAt(i - 1)) || (c == '#' && hostLine))) {
        return line.substring(0, i).strip();
      }
    }
    return line.strip();
  }

  private static String unquote(String v) {
    return v.replaceAll("^[\"']|[\"']$", "");
  }

  private static void groupVar(String line, int i, Map<String, String> into, List<Problem> problems) {
    int eq = line.indexOf('=');
    if (eq <= 0) {
      problems.add(new Problem("inventory line " + (i + 1), line, "is not key=value", "write e.g. ansible_user=ops"));
    } else {
      into.put(line.substring(0, eq).strip(), unquote(line.substring(eq + 1).strip()));
    }
  }

  private static java.util.Optional<Host> iniHost(String name, Map<String, String> hv, List<String> groups,
      List<Problem> problems) {
    Set<Role> roles = new LinkedHashSet<>();
    groups.stream().map(ANSIBLE_GROUPS::get).filter(java.util.Objects::nonNull).forEach(roles::add);
    if (roles.isEmpty()) {
      problems.add(new Problem("inventory host " + name, null, "is in no group kubesmith knows",
          "put it in kube_control_plane, kube_node, bastion, lb or nfs"));
      return java.util.Optional.empty();
    }
    String addr = hv.getOrDefault("ansible_host", name);
    String ip = hv.getOrDefault("ip", hv.getOrDefault("access_ip", addr));
    ImmutableHost.Builder b = Host.builder().name(name).privateIp(ip).roles(roles);
    if (!addr.equals(ip)) {
      b.publicIp(addr);
    }
    if (hv.containsKey("ansible_port")) {
      try {
        b.sshPort(Integer.parseInt(hv.get("ansible_port")));
      } catch (NumberFormatException ex) {
        problems.add(new Problem("inventory host " + name + " ansible_port", hv.get("ansible_port"),
            "is not a number", "write e.g. ansible_port=22"));
      }
    }
    if (hv.containsKey("ansible_user")) {
      b.sshUser(hv.get("ansible_user"));
    }
    return java.util.Optional.of(b.build());
  }

  static List<Host> terraformJson(String text) {
    Object root;
    try {
      root = JsonMapper.shared().readValue(text, Object.class);
    } catch (JacksonException e) {
      throw new InvalidSpecException(List.of(new Problem("inventory", null,
          "is not valid JSON (" + e.getOriginalMessage() + ")", "pass the output of 'terraform output -json'")));
    }
    Object hostsValue = findHosts(root);
    List<Problem> problems = new ArrayList<>();
    List<Host> hosts = new ArrayList<>();
    if (hostsValue == null) {
      throw new InvalidSpecException(List.of(new Problem("inventory", null, "has no hosts output",
          "add a Terraform output named 'hosts' whose value lists objects with name, private_ip, roles")));
    }
    List<Map<?, ?>> entries = new ArrayList<>();
    if (hostsValue instanceof List<?> l) {
      l.forEach(o -> entries.add(o instanceof Map<?, ?> m ? m : Map.of()));
    } else if (hostsValue instanceof Map<?, ?> m) {
      m.forEach((k, v) -> {
        Map<Object, Object> copy = new LinkedHashMap<>(v instanceof Map<?, ?> vm ? vm : Map.of());
        copy.putIfAbsent("name", k);
        entries.add(copy);
      });
    }
    for (int i = 0; i < entries.size(); i++) {
      Map<?, ?> m = entries.get(i);
      String f = "hosts[" + i + "]";
      String name = text(m, "name", "hostname");
      String ip = text(m, "private_ip", "privateIp", "ip");
      Object rolesValue = m.containsKey("roles") ? m.get("roles") : m.get("role");
      if (name == null || ip == null || rolesValue == null) {
        problems.add(new Problem(f, String.valueOf(m), "needs name, private_ip and roles",
            "output objects like {\"name\":\"master1\",\"private_ip\":\"10.0.1.11\",\"roles\":[\"master\"]}"));
        continue;
      }
      ImmutableHost.Builder b = Host.builder().name(name).privateIp(ip);
      String pub = text(m, "public_ip", "publicIp");
      if (pub != null && !pub.isBlank()) {
        b.publicIp(pub);
      }
      List<String> rs = rolesValue instanceof List<?> rl ? rl.stream().map(String::valueOf).toList()
          : List.of(String.valueOf(rolesValue).split(","));
      for (String r : rs) {
        try {
          b.addRoles(Role.parse(r));
        } catch (IllegalArgumentException e) {
          problems.add(new Problem(f + ".roles", r, "is not a role", "use bastion, lb, master, worker or nfs"));
        }
      }
      hosts.add(b.build());
    }
    return finish(hosts, problems, "output objects like {\"name\":\"master1\",\"private_ip\":\"10.0.1.11\",\"roles\":[\"master\"]}");
  }

  /** A Terraform output named hosts ({value: ...} or plain), or the only output, or a bare list. */
  private static Object findHosts(Object root) {
    if (root instanceof List<?>) {
      return root;
    }
    if (!(root instanceof Map<?, ?> outputs)) {
      return null;
    }
    Object hosts = outputs.containsKey("hosts") ? outputs.get("hosts") : outputs.size() == 1 ? outputs.values().iterator().next() : null;
    if (hosts instanceof Map<?, ?> wrapped && wrapped.containsKey("value") && wrapped.containsKey("type")) {
      return wrapped.get("value");
    }
    if (hosts instanceof Map<?, ?> wrapped && wrapped.size() <= 3 && wrapped.containsKey("value")) {
      return wrapped.get("value");
    }
    return hosts;
  }

  private static String text(Map<?, ?> m, String... keys) {
    for (String k : keys) {
      if (m.get(k) != null) {
        return String.valueOf(m.get(k));
      }
    }
    return null;
  }

  private static List<Host> finish(List<Host> hosts, List<Problem> problems, String example) {
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
    if (hosts.isEmpty()) {
      throw new InvalidSpecException(List.of(new Problem("inventory", null, "lists no hosts", example)));
    }
    return hosts;
  }
}
