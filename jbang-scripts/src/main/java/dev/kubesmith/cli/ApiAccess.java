package dev.kubesmith.cli;

import dev.kubesmith.kube.NoWireLogging;
import dev.kubesmith.ssh.LocalForward;
import dev.kubesmith.ssh.SshConnector;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Optional;

/**
 * A Kubernetes client for an admin kubeconfig, as {@code status} reaches the API: through a local SSH
 * forward over the bastion when there is one, else straight at the kubeconfig's server. Closes the
 * client, the forward and the SSH connection, in that order.
 *
 * <pre>{@code
 * try (ApiAccess api = ApiAccess.open(kubeconfigText, Optional.of(connector), 15_000)) {
 *   api.client().nodes().list();
 * }
 * }</pre>
 */
final class ApiAccess implements AutoCloseable {
  private final URI server;
  private final KubernetesClient client;
  private final LocalForward forward;
  private final SshConnector ssh;
  private final InetSocketAddress endpoint;

  private ApiAccess(URI server, KubernetesClient client, LocalForward forward, SshConnector ssh, InetSocketAddress endpoint) {
    this.server = server;
    this.client = client;
    this.forward = forward;
    this.ssh = ssh;
    this.endpoint = endpoint;
  }

  /**
   * @param overBastion the connector to forward through (closed with this), or empty to go direct
   * @throws dev.kubesmith.ssh.SshException when the forward cannot be opened
   */
  static ApiAccess open(String kubeconfig, Optional<SshConnector> overBastion, int timeoutMs) {
    return open(kubeconfig, overBastion, timeoutMs, true);
  }

  /** As {@link #open}, leaving the connector open for the caller's other uses (status asks the LBs after). */
  static ApiAccess borrowing(String kubeconfig, Optional<SshConnector> overBastion, int timeoutMs) {
    return open(kubeconfig, overBastion, timeoutMs, false);
  }

  private static ApiAccess open(String kubeconfig, Optional<SshConnector> overBastion, int timeoutMs, boolean owns) {
    Config config = Config.fromKubeconfig(kubeconfig);
    URI server = URI.create(config.getMasterUrl());
    LocalForward forward = null;
    int port = server.getPort() < 0 ? 443 : server.getPort();
    InetSocketAddress endpoint = InetSocketAddress.createUnresolved(server.getHost(), port);
    try {
      if (overBastion.isPresent()) {
        forward = overBastion.get().forward(server.getHost(), port);
        config.setMasterUrl("https://127.0.0.1:" + forward.localPort());
        endpoint = new InetSocketAddress("127.0.0.1", forward.localPort());
      } else {
        endpoint = new InetSocketAddress(server.getHost(), port);
      }
      config.setConnectionTimeout(timeoutMs);
      config.setRequestTimeout(timeoutMs);
      config.setRequestRetryBackoffLimit(0); // one answer now; the caller decides what to wait for
      return new ApiAccess(server, new KubernetesClientBuilder().withConfig(config)
          .withHttpClientFactory(NoWireLogging.factory()).build(), forward,
          owns ? overBastion.orElse(null) : null, endpoint);
    } catch (RuntimeException e) {
      if (forward != null) {
        forward.close();
      }
      if (owns) {
        overBastion.ifPresent(SshConnector::close);
      }
      throw e;
    }
  }

  KubernetesClient client() {
    return client;
  }

  /** Where a TCP connection to the API server goes from here: the forward's local end, or the server. */
  InetSocketAddress endpoint() {
    return endpoint;
  }

  /** The server as the kubeconfig names it (not the local end of the forward). */
  URI server() {
    return server;
  }

  @Override
  public void close() {
    client.close();
    if (forward != null) {
      forward.close();
    }
    if (ssh != null) {
      ssh.close();
    }
  }
}
