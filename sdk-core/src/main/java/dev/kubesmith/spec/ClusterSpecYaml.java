package dev.kubesmith.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * The YAML form of a {@link ClusterSpec}, mapped by hand so that every field is named in errors,
 * unknown keys (typos) are reported, and writing then reading gives back an equal spec.
 */
final class ClusterSpecYaml {
  static final YAMLMapper YAML = YAMLMapper.builder()
      .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
      .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
      .enable(YAMLWriteFeature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .build();

  private ClusterSpecYaml() {}

  static String write(ClusterSpec s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("topology", s.topology().name());
    m.put("kubernetesVersion", s.kubernetesVersion());
    s.privateVip().ifPresent(v -> m.put("privateVip", v));
    s.publicVip().ifPresent(v -> m.put("publicVip", v));
    s.registryMirror().ifPresent(v -> m.put("registryMirror", v));
    Map<String, Object> n = new LinkedHashMap<>();
    n.put("podCidr", s.network().podCidr());
    n.put("serviceCidr", s.network().serviceCidr());
    n.put("hostNetworks", s.network().hostNetworks());
    n.put("nodeCidrMaskSize", s.network().nodeCidrMaskSize());
    n.put("dnsDomain", s.network().dnsDomain());
    n.put("notes", s.network().notes());
    m.put("network", n);
    SshSettings ssh = s.ssh();
    Map<String, Object> sm = new LinkedHashMap<>();
    sm.put("user", ssh.user());
    ssh.privateKey().ifPresent(v -> sm.put("privateKey", v));
    sm.put("port", ssh.port());
    ssh.bastion().ifPresent(v -> sm.put("bastion", v));
    sm.put("hostKeyPolicy", ssh.hostKeyPolicy().name());
    ssh.knownHosts().ifPresent(v -> sm.put("knownHosts", v));
    sm.put("connectTimeoutSeconds", ssh.connectTimeoutSeconds());
    sm.put("commandTimeoutSeconds", ssh.commandTimeoutSeconds());
    m.put("ssh", sm);
    List<Object> hosts = new ArrayList<>();
    for (Host h : s.hosts()) {
      Map<String, Object> hm = new LinkedHashMap<>();
      hm.put("name", h.name());
      hm.put("privateIp", h.privateIp());
      h.publicIp().ifPresent(v -> hm.put("publicIp", v));
      hm.put("roles", h.roles().stream().map(Role::label).toList());
      h.sshPort().ifPresent(v -> hm.put("sshPort", v));
      h.sshUser().ifPresent(v -> hm.put("sshUser", v));
      h.memoryMib().ifPresent(v -> hm.put("memoryMib", v));
      hosts.add(hm);
    }
    m.put("hosts", hosts);
    List<Object> comps = new ArrayList<>();
    for (ComponentSpec c : s.components()) {
      Map<String, Object> cm = new LinkedHashMap<>();
      cm.put("name", c.name());
      cm.put("settings", c.settings());
      comps.add(cm);
    }
    m.put("components", comps);
    return YAML.writeValueAsString(m);
  }

  static ClusterSpec read(String yaml) {
    Object root;
    try {
      root = YAML.readValue(yaml, Object.class);
    } catch (JacksonException e) {
      throw new InvalidSpecException(List.of(new Problem("spec", null,
          "is not valid YAML (" + e.getOriginalMessage() + ")", "fix the YAML syntax, or write it with ClusterSpec.toYaml()")));
    }
    Reader r = new Reader();
    ClusterSpec spec = r.spec(root);
    if (!r.problems.isEmpty()) {
      throw new InvalidSpecException(r.problems);
    }
    return spec;
  }

  /** Reads maps and lists, collecting every problem instead of stopping at the first. */
  private static final class Reader {
    final List<Problem> problems = new ArrayList<>();

    ClusterSpec spec(Object root) {
      Map<String, Object> m = map("spec", root);
      known("spec", m, Set.of("name", "topology", "kubernetesVersion", "privateVip", "publicVip", "registryMirror",
          "network", "ssh", "hosts", "components"));
      ImmutableClusterSpec.Builder b = ClusterSpec.builder();
      str("name", m.get("name"), false).ifPresent(b::name);
      str("topology", m.get("topology"), true).ifPresent(t -> {
        try {
          b.topology(Topology.valueOf(t));
        } catch (IllegalArgumentException e) {
          problems.add(new Problem("topology", t, "is not a topology", "use HA or SINGLE_MASTER"));
        }
      });
      str("kubernetesVersion", m.get("kubernetesVersion"), false).ifPresent(b::kubernetesVersion);
      b.privateVip(str("privateVip", m.get("privateVip"), false));
      b.publicVip(str("publicVip", m.get("publicVip"), false));
      b.registryMirror(str("registryMirror", m.get("registryMirror"), false));
      b.network(network(map("network", m.get("network"))));
      if (m.get("ssh") != null) {
        b.ssh(ssh(map("ssh", m.get("ssh"))));
      }
      List<Object> hosts = list("hosts", m.get("hosts"));
      for (int i = 0; i < hosts.size(); i++) {
        host("hosts[" + i + "]", hosts.get(i)).ifPresent(b::addHosts);
      }
      List<Object> comps = list("components", m.get("components"));
      for (int i = 0; i < comps.size(); i++) {
        String f = "components[" + i + "]";
        Map<String, Object> cm = map(f, comps.get(i));
        known(f, cm, Set.of("name", "settings"));
        ImmutableComponentSpec.Builder cb = ComponentSpec.builder();
        Optional<String> name = str(f + ".name", cm.get("name"), true);
        map(f + ".settings", cm.get("settings")).forEach((k, v) ->
            str(f + ".settings." + k, v, true).ifPresent(val -> cb.putSettings(k, val)));
        name.ifPresent(cb::name);
        name.ifPresent(x -> b.addComponents(cb.build()));
      }
      if (!problems.isEmpty()) {
        return null;
      }
      try {
        return b.build();
      } catch (IllegalStateException e) {
        problems.add(new Problem("spec", null, e.getMessage(), "add the missing fields"));
        return null;
      }
    }

    NetworkPlan network(Map<String, Object> n) {
      known("network", n, Set.of("podCidr", "serviceCidr", "hostNetworks", "nodeCidrMaskSize", "dnsDomain", "notes"));
      ImmutableNetworkPlan.Builder b = NetworkPlan.builder()
          .podCidr(str("network.podCidr", n.get("podCidr"), false).orElse(NetworkPlan.DEFAULT_POD_CIDR))
          .serviceCidr(str("network.serviceCidr", n.get("serviceCidr"), false).orElse(NetworkPlan.DEFAULT_SERVICE_CIDR));
      List<Object> nets = list("network.hostNetworks", n.get("hostNetworks"));
      for (int i = 0; i < nets.size(); i++) {
        str("network.hostNetworks[" + i + "]", nets.get(i), true).ifPresent(b::addHostNetworks);
      }
      integer("network.nodeCidrMaskSize", n.get("nodeCidrMaskSize")).ifPresent(b::nodeCidrMaskSize);
      str("network.dnsDomain", n.get("dnsDomain"), false).ifPresent(b::dnsDomain);
      List<Object> notes = list("network.notes", n.get("notes"));
      for (int i = 0; i < notes.size(); i++) {
        str("network.notes[" + i + "]", notes.get(i), true).ifPresent(b::addNotes);
      }
      return b.build();
    }

    SshSettings ssh(Map<String, Object> s) {
      known("ssh", s, Set.of("user", "privateKey", "port", "bastion", "hostKeyPolicy", "knownHosts",
          "connectTimeoutSeconds", "commandTimeoutSeconds"));
      ImmutableSshSettings.Builder b = SshSettings.builder();
      str("ssh.user", s.get("user"), false).ifPresent(b::user);
      b.privateKey(str("ssh.privateKey", s.get("privateKey"), false));
      integer("ssh.port", s.get("port")).ifPresent(b::port);
      b.bastion(str("ssh.bastion", s.get("bastion"), false));
      str("ssh.hostKeyPolicy", s.get("hostKeyPolicy"), false).ifPresent(p -> {
        try {
          b.hostKeyPolicy(HostKeyPolicy.valueOf(p));
        } catch (IllegalArgumentException e) {
          problems.add(new Problem("ssh.hostKeyPolicy", p, "is not a host key policy", "use STRICT or TRUST_ON_FIRST_USE"));
        }
      });
      b.knownHosts(str("ssh.knownHosts", s.get("knownHosts"), false));
      integer("ssh.connectTimeoutSeconds", s.get("connectTimeoutSeconds")).ifPresent(b::connectTimeoutSeconds);
      integer("ssh.commandTimeoutSeconds", s.get("commandTimeoutSeconds")).ifPresent(b::commandTimeoutSeconds);
      return b.build();
    }

    Optional<Host> host(String f, Object o) {
      Map<String, Object> h = map(f, o);
      known(f, h, Set.of("name", "privateIp", "publicIp", "roles", "sshPort", "sshUser", "memoryMib"));
      Optional<String> name = str(f + ".name", h.get("name"), true);
      Optional<String> ip = str(f + ".privateIp", h.get("privateIp"), true);
      ImmutableHost.Builder b = Host.builder();
      b.publicIp(str(f + ".publicIp", h.get("publicIp"), false));
      List<Object> roles = list(f + ".roles", h.get("roles"));
      for (int i = 0; i < roles.size(); i++) {
        Optional<String> role = str(f + ".roles[" + i + "]", roles.get(i), true);
        if (role.isPresent()) {
          try {
            b.addRoles(Role.parse(role.get()));
          } catch (IllegalArgumentException e) {
            problems.add(new Problem(f + ".roles[" + i + "]", role.get(), "is not a role",
                "use one of bastion, lb, master, worker, nfs"));
          }
        }
      }
      integer(f + ".sshPort", h.get("sshPort")).ifPresent(b::sshPort);
      b.sshUser(str(f + ".sshUser", h.get("sshUser"), false));
      integer(f + ".memoryMib", h.get("memoryMib")).ifPresent(b::memoryMib);
      if (name.isEmpty() || ip.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(b.name(name.get()).privateIp(ip.get()).build());
    }

    void known(String f, Map<String, Object> m, Set<String> keys) {
      for (String k : m.keySet()) {
        if (!keys.contains(k)) {
          problems.add(new Problem(f + "." + k, null, "is not a known field",
              "remove it or use one of " + keys.stream().sorted().toList()));
        }
      }
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> map(String f, Object o) {
      if (o == null) {
        return new LinkedHashMap<>();
      }
      if (o instanceof Map<?, ?> m) {
        return (Map<String, Object>) m;
      }
      problems.add(new Problem(f, String.valueOf(o), "must be a mapping", "write it as key: value lines"));
      return new LinkedHashMap<>();
    }

    @SuppressWarnings("unchecked")
    List<Object> list(String f, Object o) {
      if (o == null) {
        return List.of();
      }
      if (o instanceof List<?> l) {
        return (List<Object>) l;
      }
      problems.add(new Problem(f, String.valueOf(o), "must be a list", "write it as '- item' lines"));
      return List.of();
    }

    Optional<String> str(String f, Object o, boolean required) {
      if (o == null) {
        if (required) {
          problems.add(Problem.missing(f, "add " + f.replaceAll(".*\\.", "") + ": <value>"));
        }
        return Optional.empty();
      }
      if (o instanceof Map || o instanceof List) {
        problems.add(new Problem(f, String.valueOf(o), "must be a single value", "write a plain string"));
        return Optional.empty();
      }
      return Optional.of(String.valueOf(o));
    }

    Optional<Integer> integer(String f, Object o) {
      if (o == null) {
        return Optional.empty();
      }
      if (o instanceof Number num && num.doubleValue() == num.intValue()) {
        return Optional.of(num.intValue());
      }
      try {
        return Optional.of(Integer.parseInt(String.valueOf(o).trim()));
      } catch (NumberFormatException e) {
        problems.add(new Problem(f, String.valueOf(o), "must be a whole number", "write digits only"));
        return Optional.empty();
      }
    }
  }
}
