package dev.kubesmith.testkit.internal;

import dev.kubesmith.cluster.Ssh;
import dev.kubesmith.spec.Cidr;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.testkit.SandboxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hosts of an inventory as real Debian 12 machines ({@link DebianMachine}) on the sandbox's wiring
 * ({@link Network}: a private and a public bridge, the bastion's link to the test JVM and no route
 * anywhere else). Nothing the SDK installs is on them. The SDK reaches them as {@link #ssh(String)}
 * says, the bastion at {@link #bastionAddress()}. Closing stops every machine and removes every
 * namespace and link (leftovers of a killed JVM go with the sandbox's sweep).
 */
public final class DebianLan implements AutoCloseable {
  private final String id = Names.newId();
  private final Path dir;
  private final List<HostPlan> plans;
  private final Map<String, DebianMachine> machines = new ConcurrentHashMap<>();
  private final Path key;
  private final Cidr privateNet;
  private final Cidr publicNet;
  private Network network;

  private DebianLan(List<HostPlan> plans, Cidr privateNet, Cidr publicNet, Path base) {
    this.plans = plans;
    this.privateNet = privateNet;
    this.publicNet = publicNet;
    this.dir = base.resolve(Names.directory(id));
    this.key = dir.resolve("client/id_ed25519");
  }

  /** Boots every host of the inventory (addresses in the sandbox networks given) in parallel. */
  public static DebianLan boot(Inventory inventory, String privateNet, String publicNet) {
    List<AddressPlan.Declared> declared = new ArrayList<>();
    for (Host h : inventory.hosts()) {
      declared.add(new AddressPlan.Declared(h.name(), h.privateIp(), h.publicIp(), h.roles()));
    }
    Cidr priv = AddressPlan.network(privateNet, "private");
    Cidr pub = AddressPlan.network(publicNet, "public");
    DebianLan lan = new DebianLan(AddressPlan.plan(declared, priv, pub), priv, pub, Machine.defaultBaseDir());
    try {
      lan.start();
    } catch (RuntimeException e) {
      lan.close();
      throw e;
    }
    return lan;
  }

  private void start() {
    Machine.requireRoot();
    DebianMachine.root();
    Cleaner.sweep(dir.getParent());
    try {
      Files.createDirectories(key.getParent());
      Registry.writeOwner(id, dir);
      network = new Network(id, privateNet, publicNet, Registry.reserveSlot(id));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    Proc.check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "kubesmith-debian-lan", "-f", key.toString());
    String publicKey;
    try {
      publicKey = Files.readString(Path.of(key + ".pub"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    network.create();
    for (HostPlan p : plans) {
      String ns = Names.hostNamespace(id, p.name());
      Proc.run(List.of("sh", "-euc", network.attach(p, ns))).requireSuccess();
      Proc.run(List.of("ip", "netns", "exec", ns, "sh", "-euc", String.join("\n", network.configure(p))))
          .requireSuccess();
    }
    plans.parallelStream().forEach(p -> machines.put(p.name(),
        DebianMachine.boot(p.name(), Names.hostNamespace(id, p.name()), dir.resolve("hosts").resolve(p.name()), publicKey)));
    writeKnownHosts();
  }

  private void writeKnownHosts() {
    List<String> lines = new ArrayList<>();
    for (HostPlan p : plans) {
      List<String> names = new ArrayList<>(List.of(p.privateIp(), p.name()));
      if (p.bastion()) {
        names.add(0, bastionAddress());
      }
      p.publicIp().ifPresent(names::add);
      lines.add(String.join(",", names) + " " + machines.get(p.name()).hostKey());
    }
    try {
      Files.writeString(knownHosts(), String.join("\n", lines) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path knownHosts() {
    return dir.resolve("known_hosts");
  }

  public Path clientKey() {
    return key;
  }

  /** The bastion's address on its link to the test JVM: the only one the JVM reaches. */
  public String bastionAddress() {
    return network.bastionAddress();
  }

  public DebianMachine machine(String name) {
    DebianMachine m = machines.get(name);
    if (m == null) {
      throw new IllegalArgumentException("no Debian machine " + name + "; there are " + machines.keySet());
    }
    return m;
  }

  /** The hosts with sandbox addresses; the bastion's public IP is {@link #bastionAddress()}. */
  public Inventory inventory() {
    List<Host> list = new ArrayList<>();
    for (HostPlan p : plans) {
      Optional<String> pub = p.bastion() ? Optional.of(bastionAddress()) : p.publicIp();
      list.add(Host.builder().name(p.name()).privateIp(p.privateIp()).publicIp(pub).roles(p.roles()).build());
    }
    return Inventory.of(list);
  }

  /** SSH settings for the SDK as {@code user} (root, or ops with passwordless sudo), through the bastion. */
  public Ssh ssh(String user) {
    Ssh base = "root".equals(user) ? Ssh.root() : Ssh.user(user);
    String bastion = plans.stream().filter(HostPlan::bastion).map(HostPlan::name).findFirst().orElseThrow();
    return base.privateKey(key).knownHosts(knownHosts()).bastion(bastion);
  }

  @Override
  public void close() {
    Map<String, RuntimeException> failed = new LinkedHashMap<>();
    machines.values().parallelStream().forEach(m -> {
      try {
        m.close();
      } catch (RuntimeException e) {
        failed.put(m.name(), e);
      }
    });
    Cleaner.remove(id, dir);
    if (!failed.isEmpty()) {
      throw new SandboxException("could not stop Debian machines " + failed.keySet() + ": " + failed.values().iterator().next()
          .getMessage(), failed.values().iterator().next());
    }
  }
}
