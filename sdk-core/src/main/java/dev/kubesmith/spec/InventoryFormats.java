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
    return finish(hosts, problems);
  }

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
    }
  }

  /** Parses 8G, 8192M, 8Gi or a plain number of MiB. */
  static int memoryMib(String v) {
    String s = v.trim().toUpperCase(Locale.ROOT).replaceFirst("I?B?$", "");
    if (s.endsWith("G")) {
      return Integer.parseInt(s.substring(0, s.length() - 1)) * 1024;
    }
    if (s.endsWith("M")) {
      return Integer.parseInt(s.substring(0, s.length() - 1));
    }
    return Integer.parseInt(s);
  }

  static List<Host> ansibleIni(String text) {
    Map<String, Map<String, String>> vars = new LinkedHashMap<>();
    Map<String, Set<Role>> roles = new LinkedHashMap<>();
    List<Problem> problems = new ArrayList<>();
    String group = "ungrouped";
    boolean hostSection = true;
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].replaceAll("[#;].*", "").strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        String g = line.substring(1, line.length() - 1).strip();
        hostSection = !g.contains(":");
        group = g.toLowerCase(Locale.ROOT);
        continue;
      }
      if (!hostSection) {
        continue; // [group:vars] and [group:children] carry no hosts
      }
      String[] words = line.split("\\s+");
      String name = words[0];
      Map<String, String> hv = vars.computeIfAbsent(name, k -> new LinkedHashMap<>());
      roles.computeIfAbsent(name, k -> new LinkedHashSet<>());
      for (int w = 1; w < words.length; w++) {
        int eq = words[w].indexOf('=');
        if (eq <= 0) {
          problems.add(new Problem("inventory line " + (i + 1), words[w], "is not key=value", "write e.g. ansible_host=10.0.0.5"));
        } else {
          hv.put(words[w].substring(0, eq), words[w].substring(eq + 1).replaceAll("^[\"']|[\"']$", ""));
        }
      }
      Role r = ANSIBLE_GROUPS.get(group);
      if (r != null) {
        roles.get(name).add(r);
      }
    }
    List<Host> hosts = new ArrayList<>();
    for (var e : vars.entrySet()) {
      String name = e.getKey();
      Map<String, String> hv = e.getValue();
      String addr = hv.getOrDefault("ansible_host", name);
      String ip = hv.getOrDefault("ip", hv.getOrDefault("access_ip", addr));
      if (roles.get(name).isEmpty()) {
        problems.add(new Problem("inventory host " + name, null, "is in no group kubesmith knows",
            "put it in kube_control_plane, kube_node, bastion, lb or nfs"));
        continue;
      }
      ImmutableHost.Builder b = Host.builder().name(name).privateIp(ip).roles(roles.get(name));
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
      hosts.add(b.build());
    }
    return finish(hosts, problems);
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
    return finish(hosts, problems);
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

  private static List<Host> finish(List<Host> hosts, List<Problem> problems) {
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
    if (hosts.isEmpty()) {
      throw new InvalidSpecException(List.of(new Problem("inventory", null, "lists no hosts",
          "add one line per host, e.g. '192.168.4.31 master1 master'")));
    }
    return hosts;
  }
}
