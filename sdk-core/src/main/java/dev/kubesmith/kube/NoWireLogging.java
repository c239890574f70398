package dev.kubesmith.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.utils.HttpClientUtils;

/**
 * fabric8's HTTP client factory without its wire log. fabric8 8.0.0 adds an interceptor logging every
 * request and response, headers and bodies, whenever the logger
 * {@code io.fabric8.kubernetes.client.http.HttpLoggingInterceptor} is at TRACE: the cluster-admin
 * bearer token (on every request) and Secret bodies would reach the log. The SDK never logs them, at
 * any level, so its clients are built without that interceptor.
 *
 * <pre>{@code
 * KubernetesClient client = new KubernetesClientBuilder().withConfig(config)
 *     .withHttpClientFactory(NoWireLogging.factory()).build();
 * }</pre>
 */
public final class NoWireLogging implements HttpClient.Factory {
  /** The name fabric8's {@code StandardHttpClientBuilder} gives its logging interceptor. */
  static final String INTERCEPTOR = "HttpLogging";
  private final HttpClient.Factory delegate;

  private NoWireLogging(HttpClient.Factory delegate) {
    this.delegate = delegate;
  }

  /** The factory fabric8 would choose (from the classpath), without the wire log. */
  public static HttpClient.Factory factory() {
    return new NoWireLogging(HttpClientUtils.getHttpClientFactory());
  }

  @Override
  public HttpClient.Builder newBuilder() {
    return delegate.newBuilder().addOrReplaceInterceptor(INTERCEPTOR, null);
  }

  @Override
  public HttpClient.Builder newBuilder(Config config) {
    return delegate.newBuilder(config).addOrReplaceInterceptor(INTERCEPTOR, null);
  }

  @Override
  public int priority() {
    return delegate.priority();
  }

  @Override
  public String toString() {
    return "NoWireLogging{" + delegate.getClass().getSimpleName() + "}";
  }
}
