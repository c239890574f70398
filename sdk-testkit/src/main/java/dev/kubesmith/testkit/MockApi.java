package dev.kubesmith.testkit;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * A Kubernetes API for tests: fabric8's {@link KubernetesMockServer} in CRUD mode over HTTPS
 * (self-signed) on 127.0.0.1, with server-side apply ({@link ServerSideApplyDispatcher}, as the
 * SDK applies manifests) and expectations ({@code server().expect()}) taking precedence. It
 * answers {@code GET /healthz}, {@code /livez} and {@code /readyz} with 200 {@code ok} as
 * kube-apiserver does (haproxy's TLS health check asks {@code /healthz}). Give {@link #address()}
 * to {@link Sandbox.Builder#apiServer} and the sandbox's masters serve it on their private IP :6443.
 *
 * <pre>{@code
 * try (MockApi api = MockApi.start();
 *     Sandbox sandbox = Sandbox.builder().apiServer(api.address())
 *         .host("bastion", "198.18.4.10", Role.BASTION).host("master1", "198.18.4.31", Role.MASTER)
 *         .build().start()) {
 *   sandbox.host("master1").exec("kubeadm", "init", ...);
 *   assertThat(api.client().nodes().withName("master1").get()).isNotNull();
 * }
 * }</pre>
 */
public final class MockApi implements AutoCloseable {
  /** Paths answered 200 {@code ok}, as kube-apiserver's health endpoints. */
  public static final List<String> HEALTH_PATHS = List.of("/healthz", "/livez", "/readyz");
  /** Held so the level sticks: the mock web server logs every request at INFO through java.util.logging. */
  private static final java.util.logging.Logger REQUEST_LOG = java.util.logging.Logger.getLogger(MockWebServer.class.getName());
  private final KubernetesMockServer server;
  private final MockApiDispatcher dispatcher;
  private final InetSocketAddress address;
  private NamespacedKubernetesClient client;
  private boolean closed;

  private MockApi(KubernetesMockServer server, MockApiDispatcher dispatcher) {
    this.server = server;
    this.dispatcher = dispatcher;
    this.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort());
  }

  /**
   * Starts a fresh, empty API on 127.0.0.1 and a free port; it reports version v1.34.2. The mock web
   * server's log of every request (java.util.logging, INFO) is lowered to WARNING unless the
   * logger {@code io.fabric8.mockwebserver.MockWebServer} was configured.
   */
  public static MockApi start() {
    if (REQUEST_LOG.getLevel() == null) {
      REQUEST_LOG.setLevel(java.util.logging.Level.WARNING);
    }
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    VersionInfo version = new VersionInfo.Builder().withMajor("1").withMinor("34").withGitVersion("v1.34.2")
        .withPlatform("linux/amd64").build();
    MockApiDispatcher dispatcher = new MockApiDispatcher(responses);
    KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(),
        responses, dispatcher, true, version);
    server.init(InetAddress.getLoopbackAddress(), 0);
    try {
      for (String path : HEALTH_PATHS) {
        server.expect().get().withPath(path).andReturn(200, "ok").always();
      }
      return new MockApi(server, dispatcher);
    } catch (RuntimeException e) {
      server.destroy();
      throw e;
    }
  }

  /**
   * Fault injection: the next {@code times} requests with this HTTP method whose path starts with
   * {@code pathPrefix} are answered with {@code status} (a Kubernetes Status body), e.g. 503 of an
   * API server under load, or 429 with {@code Retry-After: retryAfterSeconds} (0: no header).
   *
   * <pre>{@code
   * api.failNext("PATCH", "/apis/apps/v1/namespaces/kube-system/daemonsets", 503, 2, 0);
   * }</pre>
   */
  public void failNext(String method, String pathPrefix, int status, int times, int retryAfterSeconds) {
    dispatcher.failNext(method, pathPrefix, status, times, retryAfterSeconds);
  }

  /** Every request a {@link #failNext} fault answered, as "METHOD path -> status". */
  public List<String> failedRequests() {
    return dispatcher.failedRequests();
  }

  /** Where the API listens, in the test JVM's network namespace: 127.0.0.1 and its port. */
  public InetSocketAddress address() {
    return address;
  }

  /** {@code https://127.0.0.1:<port>}. */
  public String url() {
    return "https://127.0.0.1:" + address.getPort();
  }

  /**
   * A kubeconfig for this API, as a user of an existing cluster would hand the SDK (the mock's
   * self-signed certificate is not verified; any token is accepted).
   */
  public String kubeconfig() {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster: {server: "%s", insecure-skip-tls-verify: true}
        users:
        - name: admin
          user: {token: mock-token}
        contexts:
        - name: admin@mock
          context: {cluster: mock, user: admin}
        current-context: admin@mock
        """.formatted(url());
  }

  /** A client of this API (trusting its certificate), made on first use and closed with it. */
  public synchronized NamespacedKubernetesClient client() {
    if (closed) {
      throw new IllegalStateException("the mock API is closed");
    }
    if (client == null) {
      client = server.createClient();
    }
    return client;
  }

  /** The fabric8 server, e.g. to add expectations or read recorded requests. */
  public KubernetesMockServer server() {
    return server;
  }

  /** Closes the client and stops the server. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (client != null) {
      client.close();
    }
    server.destroy();
  }

  @Override
  public String toString() {
    return "MockApi{" + url() + (closed ? ", closed" : "") + "}";
  }
}
