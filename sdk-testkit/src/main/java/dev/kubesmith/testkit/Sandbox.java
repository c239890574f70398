package dev.kubesmith.testkit;

import dev.kubesmith.cluster.Ssh;
import dev.kubesmith.spec.Cidr;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.internal.AddressPlan;
import dev.kubesmith.testkit.internal.Cleaner;
import dev.kubesmith.testkit.internal.ClientFiles;
import dev.kubesmith.testkit.internal.HostPlan;
import dev.kubesmith.testkit.internal.HostRuntime;
import dev.kubesmith.testkit.internal.Machine;
import dev.kubesmith.testkit.internal.Names;
import dev.kubesmith.testkit.internal.Network;
import dev.kubesmith.testkit.internal.Registry;
import dev.kubesmith.testkit.internal.Startup;
import dev.kubesmith.testkit.internal.Stubs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated hosts on this machine for end-to-end tests: each host is a network namespace with its
 * own OpenSSH sshd and its own /etc, /var, /root (overlays), on a private bridge (and a public one
 * for hosts with a public IP). The test JVM reaches only the bastion, at {@link #bastionAddress()};
 * every other host is reached through it, as in production. Commands that cannot run here
 * (apt-get, systemctl, kubeadm, ...) are stubs that record their calls. With
 * {@link Builder#apiServer} the masters serve a Kubernetes API (e.g. a {@link MockApi}) on :6443 and
 * the kubeadm stub registers nodes there. Needs root.
 *
 * <pre>{@code
 * try (Sandbox sandbox = Sandbox.builder()
 *     .host("bastion", "198.18.4.10", Role.BASTION)
 *     .host("lb1", "198.18.4.21", "198.18.100.21", Role.LB)
 *     .host("master1", "198.18.4.31", Role.MASTER)
 *     .build().start()) {
 *   Cluster cluster = Cluster.singleMaster().inventory(sandbox.inventory()).ssh(sandbox.ssh())...;
 *   assertThat(sandbox.host("master1").calls("kubeadm")).isNotEmpty();
 * }
 * }</pre>
 *
 * <p>Addresses: every address is in 198.18.0.0/15. Hosts from an inventory outside that range keep
 * their last octet in the sandbox networks (private {@value #DEFAULT_PRIVATE_NETWORK}, public
 * {@value #DEFAULT_PUBLIC_NETWORK} by default). On close every namespace, link, process and file of
 * the sandbox is removed; at start, leftovers of earlier runs whose JVM is gone are removed too.
 */
public final class Sandbox implements AutoCloseable {
  public static final String DEFAULT_PRIVATE_NETWORK = "198.18.4.0/24";
  public static final String DEFAULT_PUBLIC_NETWORK = "198.18.100.0/24";
  private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
  private final String id = Names.newId();
  private final Path dir;
  private final Cidr privateNet;
  private final Cidr publicNet;
  private volatile Network network;
  private final ClientFiles client;
  private final InetSocketAddress apiServer;
  private final Map<String, SandboxHost> hosts = new LinkedHashMap<>();
  private final ScheduledExecutorService timers;
  private Thread shutdownHook;
  private boolean started;
  private boolean closed;

  private Sandbox(Builder b, List<HostPlan> plans) {
    this.dir = b.directory.resolve(Names.directory(id));
    this.privateNet = b.privateNet;
    this.publicNet = b.publicNet;
    this.client = new ClientFiles(dir);
    this.apiServer = b.apiServer;
    this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kubesmith-sandbox-" + id + "-timer");
      t.setDaemon(true);
      return t;
    });
    for (HostPlan p : plans) {
      hosts.put(p.name(), new SandboxHost(new HostRuntime(id, p, dir, b.apiServer), timers));
    }
  }

  /** A builder; add hosts, then {@link Builder#build()} and {@link #start()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A sandbox with the inventory's hosts and roles, addresses mapped into 198.18.0.0/15 (see the class doc). */
  public static Sandbox fromInventory(Inventory inventory) {
    return builder().inventory(inventory).build();
  }

  /**
   * Builds every host and starts its sshd; hosts start in parallel. Does nothing when started.
   *
   * @throws IllegalStateException when not root, a needed program is missing, or the sandbox was closed
   * @throws SandboxException when a host does not come up (everything created so far is removed)
   */
  public synchronized Sandbox start() {
    if (closed) {
      throw new IllegalStateException("sandbox " + id + " is closed; build a new one");
    }
    if (started) {
      return this;
    }
    Machine.requireRoot();
    Machine.requireTools();
    if (apiServer != null) {
      Machine.requireTool("socat", "socat", "for the masters' API servers (Sandbox.Builder.apiServer)");
    }
    long t0 = System.nanoTime();
    Cleaner.sweep(dir.getParent());
    shutdownHook = new Thread(this::close, "kubesmith-sandbox-" + id + "-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      Files.createDirectories(dir);
      Registry.writeOwner(id, dir);
      network = new Network(id, privateNet, publicNet, Registry.reserveSlot(id));
      Path stubs = Stubs.install(dir.resolve("stubs"));
      String clientKey = client.createKey();
      network.create();
      List<HostRuntime> runtimes = hosts.values().stream().map(SandboxHost::runtime).toList();
      Startup.run(runtimes, h -> h.start(network, clientKey, stubs));
      client.write(runtimes, network.bastionAddress());
      started = true;
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot create the sandbox directory " + dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    LOG.info("sandbox {} started {} hosts in {} ms (bastion at {}, ssh -F {} <host>)", id, hosts.size(),
        (System.nanoTime() - t0) / 1_000_000, bastionAddress(), client.sshConfig());
    return this;
  }

  /** Removes every namespace, link, process and file of this sandbox. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long t0 = System.nanoTime();
    timers.shutdownNow();
    hosts.values().parallelStream().forEach(h -> h.runtime().stop());
    List<String> removed = Cleaner.remove(id, dir);
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down already
      }
    }
    LOG.info("sandbox {} closed in {} ms: removed {} namespaces", id, (System.nanoTime() - t0) / 1_000_000,
        removed.stream().filter(r -> r.startsWith("namespace")).count());
  }

  /** Whether {@link #start()} succeeded and {@link #close()} has not run. */
  public synchronized boolean isRunning() {
    return started && !closed;
  }

  /** The random id in every name this sandbox gives ({@code ks-<id>-<host>} namespaces, link {@code ks<id>}). */
  public String id() {
    return id;
  }

  /** The directory holding the keys, known_hosts, ssh_config and each host's layers and logs. */
  public Path directory() {
    return dir;
  }

  /**
   * The only sandbox address the test JVM can reach: the bastion's end of its link, 198.18.255.2
   * when no other sandbox runs on the machine (198.18.255.6, .10, ... for the next ones).
   *
   * @throws IllegalStateException before {@link #start()}, which chooses it
   */
  public String bastionAddress() {
    Network n = network;
    if (n == null) {
      throw new IllegalStateException("the bastion address is chosen by start(); start the sandbox first");
    }
    return n.bastionAddress();
  }

  /**
   * The Kubernetes API the masters serve on their private IP :6443 (see {@link Builder#apiServer}),
   * if the sandbox has one.
   */
  public Optional<InetSocketAddress> apiServer() {
    return Optional.ofNullable(apiServer);
  }

  /** The SSH port of every host. */
  public int sshPort() {
    return 22;
  }

  /** The OpenSSH private key (ed25519, no passphrase) every host's root accepts. */
  public Path clientKey() {
    return client.key();
  }

  /** known_hosts with every host's key under its name and addresses (the bastion also under {@link #bastionAddress()}). */
  public Path knownHosts() {
    return client.knownHosts();
  }

  /** An OpenSSH client config: {@code ssh -F <this> master1 hostname} jumps through the bastion. */
  public Path sshConfig() {
    return client.sshConfig();
  }

  /** The host named; IllegalArgumentException listing the names when there is none. */
  public SandboxHost host(String name) {
    SandboxHost h = hosts.get(name);
    if (h == null) {
      throw new IllegalArgumentException("the sandbox has no host '" + name + "'; it has " + hosts.keySet());
    }
    return h;
  }

  /** Every host in declaration order. */
  public List<SandboxHost> hosts() {
    return List.copyOf(hosts.values());
  }

  /** The bastion host. */
  public SandboxHost bastion() {
    return hosts.values().stream().filter(h -> h.roles().contains(Role.BASTION)).findFirst().orElseThrow();
  }

  /**
   * The hosts as an SDK inventory with sandbox addresses; the bastion's public IP is
   * {@link #bastionAddress()}, the address the SDK connects to from the test JVM.
   *
   * @throws IllegalStateException before {@link #start()}
   */
  public Inventory inventory() {
    List<Host> list = new ArrayList<>();
    for (SandboxHost h : hosts.values()) {
      Optional<String> pub = h.roles().contains(Role.BASTION) ? Optional.of(bastionAddress()) : h.publicIp();
      list.add(Host.builder().name(h.name()).privateIp(h.privateIp()).publicIp(pub).roles(h.roles()).build());
    }
    return Inventory.of(list);
  }

  /** SSH settings for the SDK: root, the sandbox key, strict known_hosts, through the bastion. */
  public Ssh ssh() {
    return Ssh.root().privateKey(clientKey()).knownHosts(knownHosts()).bastion(bastion().name());
  }

  /** Removes leftovers of crashed runs (namespaces {@code ks-*}, links {@code ks*}, directories) now; returns what went. */
  public static List<String> removeLeftovers() {
    return Cleaner.sweep(Machine.defaultBaseDir());
  }

  @Override
  public String toString() {
    return "Sandbox{" + id + ", " + hosts.keySet() + (isRunning() ? ", running" : "") + "}";
  }

  /**
   * Declares the hosts and networks of a sandbox. Networks must lie in 198.18.0.0/15; exactly one
   * host has {@link Role#BASTION}. Bad input fails in the setter or in {@link #build()}, before
   * anything on the machine changes.
   *
   * <pre>{@code
   * Sandbox sandbox = Sandbox.builder()
   *     .privateNetwork("198.18.8.0/22")
   *     .inventory(Inventory.load(Path.of("clustera_hosts")))   // 192.168.4.31 -> 198.18.8.31
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private final List<AddressPlan.Declared> declared = new ArrayList<>();
    private Cidr privateNet = Cidr.parse(DEFAULT_PRIVATE_NETWORK);
    private Cidr publicNet = Cidr.parse(DEFAULT_PUBLIC_NETWORK);
    private Path directory = Machine.defaultBaseDir();
    private InetSocketAddress apiServer;

    private Builder() {}

    /** A host on the private network only. */
    public Builder host(String name, String privateIp, Role... roles) {
      declared.add(new AddressPlan.Declared(name, privateIp, Optional.empty(), Set.copyOf(Arrays.asList(roles))));
      return this;
    }

    /** A host on the private network with a public IP on the public bridge (LB, ingress). */
    public Builder host(String name, String privateIp, String publicIp, Role... roles) {
      declared.add(new AddressPlan.Declared(name, privateIp, Optional.of(publicIp), Set.copyOf(Arrays.asList(roles))));
      return this;
    }

    /** Every host of the inventory with its roles; addresses are mapped at {@link #build()}. */
    public Builder inventory(Inventory inventory) {
      for (Host h : inventory.hosts()) {
        declared.add(new AddressPlan.Declared(h.name(), h.privateIp(), h.publicIp(), h.roles()));
      }
      return this;
    }

    /** The private network (default {@value Sandbox#DEFAULT_PRIVATE_NETWORK}); must lie in 198.18.0.0/15. */
    public Builder privateNetwork(String cidr) {
      this.privateNet = AddressPlan.network(cidr, "private");
      return this;
    }

    /** The public network (default {@value Sandbox#DEFAULT_PUBLIC_NETWORK}); must lie in 198.18.0.0/15. */
    public Builder publicNetwork(String cidr) {
      this.publicNet = AddressPlan.network(cidr, "public");
      return this;
    }

    /** Where the sandbox directory goes (default java.io.tmpdir); not under /etc, /var, /usr, /root, ... */
    public Builder directory(Path directory) {
      if (!Machine.usable(directory)) {
        throw new IllegalArgumentException("the sandbox directory " + directory + " cannot hold host layers: use a path"
            + " of plain characters outside /etc, /var, /usr, /opt, /srv, /home, /root and /run, e.g. /tmp");
      }
      this.directory = directory.toAbsolutePath().normalize();
      return this;
    }

    /**
     * Makes every MASTER host serve the Kubernetes API at {@code target} (e.g. {@link MockApi#address()},
     * HTTPS on 127.0.0.1 in the test JVM's namespace) on its private IP :6443. Each master's
     * forwarder carries connections to a UNIX socket the sandbox serves in the test JVM and pipes on
     * to {@code target}; {@link SandboxHost#stopApiServer()} stops it. The kubeadm stub then also
     * works through that API: init and join register Node objects, join checks token and CA hash.
     * Needs socat.
     */
    public Builder apiServer(InetSocketAddress target) {
      Objects.requireNonNull(target, "target");
      if (target.isUnresolved()) {
        throw new IllegalArgumentException("the API server address must be resolved, e.g. new InetSocketAddress("
            + "\"127.0.0.1\", port): " + target);
      }
      if (target.getPort() == 0) {
        throw new IllegalArgumentException("the API server address needs its port (start the server first): " + target);
      }
      this.apiServer = target;
      return this;
    }

    /** Checks the hosts and networks; IllegalArgumentException says what to change. Nothing is created yet. */
    public Sandbox build() {
      return new Sandbox(this, AddressPlan.plan(declared, privateNet, publicNet));
    }
  }
}
