package dev.kubesmith.testkit;

import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.CustomResourceAware;
import io.fabric8.kubernetes.client.server.mock.Resetable;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.internal.MockDispatcher;
import io.fabric8.mockwebserver.internal.SimpleRequest;
import java.util.Map;
import java.util.Queue;

/**
 * {@link MockApi}'s dispatcher: recorded expectations first (the health paths, {@code /version},
 * whatever a test adds with {@code server().expect()}), everything else to the CRUD dispatcher with
 * server-side apply ({@link ServerSideApplyDispatcher}). fabric8's KubernetesMixedDispatcher does
 * the same with the plain CRUD dispatcher, which refuses server-side apply.
 */
final class MockApiDispatcher extends Dispatcher implements Resetable, CustomResourceAware {
  private final Map<ServerRequest, Queue<ServerResponse>> responses;
  private final MockDispatcher expectations;
  private final ServerSideApplyDispatcher crud = new ServerSideApplyDispatcher();
  private final java.util.List<Fault> faults = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.List<String> failed = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The next {@code times} requests of the method whose path starts with the prefix get the status. */
  private record Fault(String method, String pathPrefix, int status, java.util.concurrent.atomic.AtomicInteger left,
      int retryAfterSeconds) {}

  void failNext(String method, String pathPrefix, int status, int times, int retryAfterSeconds) {
    faults.add(new Fault(method, pathPrefix, status, new java.util.concurrent.atomic.AtomicInteger(times), retryAfterSeconds));
  }

  /** "METHOD path -> status" for every request a fault answered. */
  java.util.List<String> failedRequests() {
    return java.util.List.copyOf(failed);
  }

  MockApiDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
    this.responses = responses;
    this.expectations = new MockDispatcher(responses);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    for (Fault f : faults) {
      if (f.method().equalsIgnoreCase(request.getMethod()) && request.getPath().startsWith(f.pathPrefix())
          && f.left().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        failed.add(request.getMethod() + " " + request.getPath() + " -> " + f.status());
        MockResponse r = new MockResponse().setResponseCode(f.status()).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
            + "\"status\":\"Failure\",\"message\":\"injected by the kubesmith sandbox\",\"code\":" + f.status() + "}");
        r.setHeader("Content-Type", "application/json");
        return f.retryAfterSeconds() > 0 ? r.setHeader("Retry-After", String.valueOf(f.retryAfterSeconds())) : r;
      }
    }
    String path = request.getPath();
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    MockResponse health = health(request.getMethod(), bare, path);
    if (health != null) {
      return health;
    }
    Queue<ServerResponse> queue = responses.get(new SimpleRequest(HttpMethod.valueOf(request.getMethod()), path));
    if (queue != null && !queue.isEmpty()) {
      return expectations.dispatch(request);
    }
    // an expectation for the path answers it with a query string too (kubectl sends /version?timeout=32s)
    Queue<ServerResponse> bareQueue = responses.get(new SimpleRequest(HttpMethod.valueOf(request.getMethod()), bare));
    if (!bare.equals(path) && bareQueue != null && !bareQueue.isEmpty()) {
      return bareQueue.peek().toMockResponse(request);
    }
    if (!bare.equals("/api") && !bare.startsWith("/api/") && !bare.equals("/apis") && !bare.startsWith("/apis/")) {
      // kube-apiserver serves no objects outside /api and /apis; the CRUD dispatcher would list them all
      return status(404, "the server could not find the requested resource");
    }
    return crud.dispatch(request);
  }

  /**
   * kube-apiserver's health endpoints (/healthz, /livez, /readyz, each with its checks below it, e.g.
   * /healthz/etcd): "ok", or with {@code ?verbose} one line per check and "<name> check passed", as
   * the apiserver's healthz handler writes them; anything but GET is not allowed there.
   */
  private static MockResponse health(String method, String bare, String path) {
    String name = MockApi.HEALTH_PATHS.stream().filter(h -> bare.equals(h) || bare.startsWith(h + "/")).findFirst().orElse(null);
    if (name == null) {
      return null;
    }
    if (!method.equalsIgnoreCase("GET")) {
      return status(405, "method " + method + " is not allowed on " + bare);
    }
    boolean verbose = path.matches(".*[?&]verbose(=[^&]*)?(&.*)?$");
    String body = !verbose || !bare.equals(name) ? "ok"
        : "[+]ping ok\n[+]log ok\n[+]etcd ok\n" + name.substring(1) + " check passed\n";
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain; charset=utf-8").setBody(body);
  }

  private static MockResponse status(int code, String message) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\""
            + message + "\",\"reason\":\"" + (code == 404 ? "NotFound" : "MethodNotAllowed") + "\",\"code\":" + code + "}");
  }

  @Override
  public void shutdown() {
    expectations.shutdown();
    crud.shutdown();
  }

  @Override
  public void releaseResources() {
    expectations.releaseResources();
    crud.releaseResources();
  }

  @Override
  public void reset() {
    crud.reset();
  }

  @Override
  public void expectCustomResource(CustomResourceDefinitionContext rdc) {
    crud.expectCustomResource(rdc);
  }
}
