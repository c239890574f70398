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
    Queue<ServerResponse> queue = responses.get(new SimpleRequest(HttpMethod.valueOf(request.getMethod()), request.getPath()));
    if (queue != null && !queue.isEmpty()) {
      return expectations.dispatch(request);
    }
    return crud.dispatch(request);
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
