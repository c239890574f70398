package dev.kubesmith.ssh;

import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.SshSettings;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.schmizz.keepalive.KeepAlive;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.keepalive.KeepAliveRunner;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens {@link HostConnection}s with key authentication and verified host keys. When a bastion is
 * set, one authenticated connection to it carries every other host's connection as a direct-tcpip
 * channel, so cluster hosts never need to be reachable from here.
 *
 * <pre>{@code
 * try (SshConnector ssh = SshConnector.forSpec(spec, Optional.empty(), new Redactor())) {
 *   HostConnection master = ssh.connect(ssh.target(spec.requireHost("master1")));
 * }
 * }</pre>
 */
public final class SshConnector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SshConnector.class);
  /**
   * Seconds between keepalive requests (keepalive@openssh.com, which the server must answer). A
   * host whose packets are dropped, not refused, sends no error: only a missed answer shows it.
   */
  public static final int KEEPALIVE_INTERVAL_SECONDS = 5;
  /** Unanswered keepalives after which a host counts as dead: about 15-20 s after it stopped answering. */
  public static final int KEEPALIVE_MAX_MISSED = 3;
  private final DefaultConfig config;
  private final SshSettings settings;
  private final Optional<SshTarget> bastion;
  private final char[] passphrase;
  private final Redactor redactor;
  private final Path knownHosts;
  private SSHClient bastionClient;
  private volatile List<KeyProvider> loadedKeys;

  public SshConnector(SshSettings settings, Optional<SshTarget> bastion, Optional<char[]> passphrase, Redactor redactor) {
    this.settings = settings;
    this.bastion = bastion;
    this.passphrase = passphrase.orElse(null);
    this.redactor = redactor;
    this.knownHosts = settings.knownHosts().map(Path::of).orElseGet(() -> KnownHostsVerifier.defaultFile().toPath());
    this.config = new DefaultConfig();
    // answered keepalives, not one-way heartbeats: only an answer proves the peer is alive
    config.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
    // sshj logs commands as sent (secrets filled in) at debug and whole packets at trace
    config.setLoggerFactory(new RedactingLoggerFactory(redactor));
  }

  /** A connector for a spec: through its bastion (public IP if it has one) when it names one. */
  public static SshConnector forSpec(ClusterSpec spec, Optional<char[]> passphrase, Redactor redactor) {
    SshConnector c = new SshConnector(spec.ssh(), Optional.empty(), passphrase, redactor);
    Optional<SshTarget> b = spec.bastionHost().map(h -> new SshTarget(h.name(), h.publicIp().orElse(h.privateIp()),
        h.sshPort().orElse(spec.ssh().port()), h.sshUser().orElse(spec.ssh().user())));
    return new SshConnector(spec.ssh(), b, passphrase, redactor);
  }

  /** What this connector's logs and errors pass through before anyone sees them. */
  public Redactor redactor() {
    return redactor;
  }

  /** The target for a host of the spec, with its own port and user when it has them. */
  public SshTarget target(Host h) {
    return new SshTarget(h.name(), h.privateIp(), h.sshPort().orElse(settings.port()), h.sshUser().orElse(settings.user()));
  }

  /** Connects and authenticates; through the bastion unless the target is the bastion. */
  public HostConnection connect(SshTarget target) {
    boolean direct = bastion.isEmpty() || bastion.get().name().equals(target.name());
    SSHClient client = newClient();
    KnownHostsVerifier verifier = new KnownHostsVerifier(knownHosts, settings.hostKeyPolicy());
    client.addHostKeyVerifier(verifier);
    DirectConnection tunnel = null;
    try {
      if (direct) {
        SshTarget t = bastion.filter(b -> b.name().equals(target.name())).orElse(target);
        client.connect(t.address(), t.port());
        noDelay(client);
      } else {
        tunnel = tunnel(target);
        client.connectVia(tunnel);
      }
      client.authPublickey(target.user(), keys(client));
      LOG.debug("connected to {} ({}{})", target.name(), target.address(), direct ? "" : " via " + bastion.get().name());
      return new HostConnection(target.name(), client, tunnel, !"root".equals(target.user()), redactor);
    } catch (IOException e) {
      close(client);
      if (tunnel != null) {
        closeQuietly(tunnel);
      }
      throw failure(target.name(), e, verifier);
    }
  }

  /**
   * A tunnel through the bastion. When the bastion's connection died since it was last used (its
   * sshd killed, the network cut) sshj may not have noticed yet and refuses with "Not connected" or
   * a transport error: the connection is made again, once. A channel the bastion refuses (the
   * target unreachable from it) is no such failure and keeps the connection other tunnels use.
   */
  private DirectConnection tunnel(SshTarget target) throws IOException {
    SSHClient used = bastionClient();
    try {
      return used.newDirectConnection(target.address(), target.port());
    } catch (IllegalStateException | TransportException dead) {
      LOG.debug("{}: the connection to the bastion died ({}); connecting again", target.name(), dead.getMessage());
      synchronized (this) {
        if (bastionClient == used) {
          close(bastionClient);
          bastionClient = null;
        }
      }
      return bastionClient().newDirectConnection(target.address(), target.port());
    }
  }

  private synchronized SSHClient bastionClient() throws IOException {
    if (bastionClient != null && bastionClient.isConnected() && bastionClient.isAuthenticated()) {
      return bastionClient;
    }
    close(bastionClient);
    SshTarget b = bastion.orElseThrow();
    SSHClient client = newClient();
    KnownHostsVerifier verifier = new KnownHostsVerifier(knownHosts, settings.hostKeyPolicy());
    client.addHostKeyVerifier(verifier);
    try {
      client.connect(b.address(), b.port());
      noDelay(client);
      client.authPublickey(b.user(), keys(client));
    } catch (IOException e) {
      close(client);
      throw bastionFailure(b.name(), failure(b.name(), e, verifier));
    }
    markInteractive(client);
    bastionClient = client;
    return client;
  }

  /**
   * Small request/response packets (channel open, exec, exit status) must not wait for Nagle's
   * algorithm against delayed ACKs: that costs about 40 ms per command.
   */
  private static void noDelay(SSHClient client) throws java.net.SocketException {
    if (client.getSocket() != null) {
      client.getSocket().setTcpNoDelay(true);
    }
  }

  /**
   * sshd turns on TCP_NODELAY for a connection only once a session runs on it; the bastion's
   * connection carries only tunnels, so without one session every tunnelled command waits about
   * 40 ms on Nagle's algorithm (measured: 45 ms against 5 ms per command).
   */
  private static void markInteractive(SSHClient client) {
    try (net.schmizz.sshj.connection.channel.direct.Session s = client.startSession()) {
      net.schmizz.sshj.connection.channel.direct.Session.Command c = s.exec("true");
      c.join(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (IOException e) {
      LOG.debug("bastion: no session for TCP_NODELAY: {}", e.getMessage());
    }
  }

  private SSHClient newClient() {
    SSHClient client = new SSHClient(config);
    client.setConnectTimeout(settings.connectTimeoutSeconds() * 1000);
    client.setTimeout(settings.connectTimeoutSeconds() * 1000);
    KeepAlive keepAlive = client.getConnection().getKeepAlive();
    keepAlive.setKeepAliveInterval(KEEPALIVE_INTERVAL_SECONDS);
    if (keepAlive instanceof KeepAliveRunner runner) {
      runner.setMaxAliveCount(KEEPALIVE_MAX_MISSED);
    }
    return client;
  }

  /**
   * A failure of the bastion, named as such: every host's step fails through it, and the operator
   * must look at the bastion, not at the host whose step happened to connect first.
   */
  private static SshException bastionFailure(String bastion, SshException e) {
    String own = e.getMessage().substring(bastion.length() + 2);
    return new SshException(bastion, e.kind(), "(the bastion every host is reached through) " + own, e.getCause());
  }

  /** The key files, read once per connector (key providers are stateless after loading). */
  private List<KeyProvider> keys(SSHClient client) throws IOException {
    List<KeyProvider> cached = loadedKeys;
    if (cached == null) {
      synchronized (this) {
        if (loadedKeys == null) {
          loadedKeys = loadKeys(client);
        }
        cached = loadedKeys;
      }
    }
    return cached;
  }

  private List<KeyProvider> loadKeys(SSHClient client) throws IOException {
    List<KeyProvider> keys = new ArrayList<>();
    if (settings.privateKey().isPresent()) {
      String path = settings.privateKey().get();
      if (!Files.isReadable(Path.of(path))) {
        throw new UserAuthException("the private key " + path + " does not exist or is not readable; fix ssh.privateKey");
      }
      keys.add(passphrase == null ? client.loadKeys(path) : client.loadKeys(path, passphrase));
      return keys;
    }
    Path dir = Path.of(System.getProperty("user.home"), ".ssh");
    for (String name : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
      Path p = dir.resolve(name);
      if (Files.isReadable(p)) {
        keys.add(passphrase == null ? client.loadKeys(p.toString()) : client.loadKeys(p.toString(), passphrase));
      }
    }
    if (keys.isEmpty()) {
      throw new UserAuthException("no private key: set Ssh.privateKey(path), or create ~/.ssh/id_ed25519");
    }
    return keys;
  }

  private static SshException failure(String host, IOException e, KnownHostsVerifier verifier) {
    if (verifier.rejection().isPresent()) {
      return new SshException(host, SshException.Kind.HOST_KEY, verifier.rejection().get(), e);
    }
    SshException.Kind kind = kindOf(e);
    String hint = switch (kind) {
      case AUTHENTICATION -> "; check the user and that its authorized_keys holds the public key";
      case CONNECT, TIMEOUT -> "; check that the host is up and sshd listens";
      default -> "";
    };
    return new SshException(host, kind, kind.name().toLowerCase() + " failed: " + e.getMessage() + hint, e);
  }

  /** Classifies an I/O failure: authentication and host keys are final, connection faults transient. */
  static SshException.Kind kindOf(Throwable e) {
    if (isUnanswered(e)) {
      return SshException.Kind.UNRESPONSIVE;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UserAuthException) {
        return SshException.Kind.AUTHENTICATION;
      }
      if (t instanceof SocketTimeoutException) {
        return SshException.Kind.TIMEOUT;
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof SocketException) {
        return SshException.Kind.CONNECT;
      }
      String m = String.valueOf(t.getMessage()).toLowerCase();
      if (m.contains("host key") || m.contains("hostkeyverifier")) {
        return SshException.Kind.HOST_KEY;
      }
      if (m.contains("timeout") || m.contains("timed out")) {
        return SshException.Kind.TIMEOUT;
      }
    }
    return e instanceof TransportException || e instanceof net.schmizz.sshj.connection.ConnectionException
        ? SshException.Kind.CONNECT : SshException.Kind.OTHER;
  }

  /** Whether sshj gave the connection up because keepalives went unanswered (see {@link #KEEPALIVE_MAX_MISSED}). */
  static boolean isUnanswered(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).contains("keep-alive response")) {
        return true;
      }
    }
    return false;
  }

  private static void close(SSHClient c) {
    if (c != null) {
      try {
        c.disconnect();
      } catch (IOException e) {
        LOG.debug("disconnect: {}", e.getMessage());
      }
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.debug("close: {}", e.getMessage());
    }
  }

  /**
   * Forwards a local port on 127.0.0.1 to {@code host:port} as seen from the bastion (e.g. the
   * private VIP's API server), over the one bastion connection. Needs a bastion.
   */
  public LocalForward forward(String host, int port) {
    if (bastion.isEmpty()) {
      throw new IllegalStateException("no bastion to forward through; reach " + host + ":" + port + " directly");
    }
    try {
      java.net.ServerSocket socket = new java.net.ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
      net.schmizz.sshj.connection.channel.direct.LocalPortForwarder forwarder = bastionClient().newLocalPortForwarder(
          new net.schmizz.sshj.connection.channel.direct.Parameters("127.0.0.1", socket.getLocalPort(), host, port), socket);
      Thread t = new Thread(() -> {
        try {
          forwarder.listen();
        } catch (IOException e) {
          LOG.debug("forward to {}:{} ended: {}", host, port, e.getMessage());
        }
      }, "kubesmith-forward-" + host + "-" + port);
      t.setDaemon(true);
      t.start();
      LOG.debug("forwarding 127.0.0.1:{} to {}:{} via {}", socket.getLocalPort(), host, port, bastion.get().name());
      return new LocalForward(socket.getLocalPort(), () -> {
        forwarder.close();
        socket.close();
      });
    } catch (IOException e) {
      throw bastionFailure(bastion.get().name(), failure(bastion.get().name(), e,
          new KnownHostsVerifier(knownHosts, settings.hostKeyPolicy())));
    }
  }

  /** Closes the bastion connection (host connections are closed by their owners). */
  @Override
  public synchronized void close() {
    close(bastionClient);
    bastionClient = null;
  }

  @Override
  public String toString() {
    return "SshConnector{" + settings.user() + bastion.map(b -> ", via " + b.name()).orElse("") + "}";
  }
}
