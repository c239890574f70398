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

  MockApiDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
    this.responses = responses;
    this.expectations = new MockDispatcher(responses);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
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
