package dev.kubesmith.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The hosts a provisioner made, with their roles, in the order given. Reads the seed's hosts file,
 * Ansible INI inventories (kubespray groups), {@code terraform output -json}, or a cluster spec YAML.
 *
 * <pre>{@code
 * Inventory inv = Inventory.load(Path.of("clustera_hosts"));
 * // 192.168.4.31  master1  master             public=203.0.113.31
 * List<Host> masters = inv.withRole(Role.MASTER);
 * }</pre>
 */
public final class Inventory {
  /** The formats {@link #load(Path)} understands. */
  public enum Format {
    /** {@code <private-ip> <hostname> <role>[,<role>...] [public=<ip>] [port=N] [user=U] [memory=8G]} per line. */
    HOSTS_FILE,
    /** Ansible INI with kubespray's groups (kube_control_plane, kube_node, etcd, bastion). */
    ANSIBLE_INI,
    /** {@code terraform output -json} holding a list (or map) of hosts. */
    TERRAFORM_JSON,
    /** A cluster spec as written by {@link ClusterSpec#toYaml()}. */
    CLUSTER_YAML
  }

  private final List<Host> hosts;

  private Inventory(List<Host> hosts) {
    this.hosts = List.copyOf(hosts);
  }

  public static Inventory of(List<Host> hosts) {
    return new Inventory(hosts);
  }

  public static Inventory of(Host... hosts) {
    return new Inventory(List.of(hosts));
  }

  /** Reads a file, choosing the format from its name and content; bad lines are all reported at once. */
  public static Inventory load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the inventory " + file + ": " + e.getMessage(), e);
    }
    return parse(text, detect(file.getFileName().toString(), text));
  }

  /** Parses text in the given format. */
  public static Inventory parse(String text, Format format) {
    return switch (format) {
      case HOSTS_FILE -> new Inventory(InventoryFormats.hostsFile(text));
      case ANSIBLE_INI -> new Inventory(InventoryFormats.ansibleIni(text));
      case TERRAFORM_JSON -> new Inventory(InventoryFormats.terraformJson(text));
      case CLUSTER_YAML -> new Inventory(ClusterSpec.fromYaml(text).hosts());
    };
  }

  /** Guesses the format of a file from its name, then its content. */
  public static Format detect(String fileName, String text) {
    String name = fileName.toLowerCase(Locale.ROOT);
    String trimmed = text.stripLeading();
    if (name.endsWith(".json") || trimmed.startsWith("{") || trimmed.matches("(?s)\\[\\s*[\\[{\"\\]].*")) {
      return Format.TERRAFORM_JSON;
    }
    if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      return Format.CLUSTER_YAML;
    }
    boolean sections = text.lines().map(String::strip).anyMatch(l -> l.startsWith("[") && l.endsWith("]"));
    if (name.endsWith(".ini") || sections) {
      return Format.ANSIBLE_INI;
    }
    return Format.HOSTS_FILE;
  }

  /** Every host in inventory order. */
  public List<Host> hosts() {
    return hosts;
  }

  public List<Host> withRole(Role role) {
    return hosts.stream().filter(h -> h.has(role)).toList();
  }

  public Optional<Host> host(String name) {
    return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
  }

  @Override
  public String toString() {
    return "Inventory" + hosts.stream().map(Host::name).toList();
  }
}
