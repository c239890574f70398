package dev.kubesmith.cli;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Run in its own JVM by {@link ApiAccessWireLogTest} with fabric8's wire logger at TRACE: one API call
 * through {@link ApiAccess} to a local server, so whatever fabric8 logs lands on this process's stderr.
 */
final class ApiAccessWireLogProbe {
  static final String TOKEN = "probe-bearer-token-0123456789";

  private ApiAccessWireLogProbe() {
  }

  public static void main(String[] args) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = "{\"kind\":\"NamespaceList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":[]}"
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    String kubeconfig = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster: {server: "http://127.0.0.1:%d"}
        users:
        - name: u
          user: {token: %s}
        contexts:
        - name: x
          context: {cluster: c, user: u}
        current-context: x
        """.formatted(server.getAddress().getPort(), TOKEN);
    try (ApiAccess api = ApiAccess.open(kubeconfig, Optional.empty(), 5000)) {
      System.out.println("namespaces: " + api.client().namespaces().list().getItems().size());
    } finally {
      server.stop(0);
    }
  }
}
