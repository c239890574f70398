package dev.kubesmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.testkit.internal.Proc;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class MockApiTest {
  @Test
  void answersHealthChecksVersionAndCrudWithServerSideApply() {
    ExecResult healthz;
    ExecResult readyz;
    ExecResult version;
    ConfigMap applied;
    String url;
    try (MockApi api = MockApi.start()) {
      url = api.url();
      // HTTP/1.0 without a Host header, as haproxy's "option httpchk" sends it
      healthz = Proc.run(List.of("curl", "-sk", "--http1.0", "-H", "Host:", "-w", " %{http_code}", api.url() + "/healthz"));
      readyz = Proc.run(List.of("curl", "-sk", "-w", " %{http_code}", api.url() + "/readyz"));
      version = Proc.run(List.of("curl", "-sk", api.url() + "/version"));
      api.client().configMaps().inNamespace("kube-system").resource(configMap("a", "1")).serverSideApply();
      api.client().configMaps().inNamespace("kube-system").resource(configMap("a", "2")).serverSideApply();
      applied = api.client().configMaps().inNamespace("kube-system").withName("kubesmith").get();
      assertThat(api.address().getAddress().isLoopbackAddress()).isTrue();
      assertThat(url).isEqualTo("https://127.0.0.1:" + api.address().getPort());
    }
    ExecResult closed = Proc.run(List.of("curl", "-sk", "--max-time", "5", url + "/healthz"));

    assertThat(healthz.stdout()).isEqualTo("ok 200");
    assertThat(readyz.stdout()).isEqualTo("ok 200");
    assertThat(version.stdout()).contains("\"gitVersion\":\"v1.34.2\"");
    assertThat(applied.getData()).containsEntry("a", "2");
    assertThat(closed.exitCode()).as("connection refused after close").isEqualTo(7);
  }

  private static ConfigMap configMap(String key, String value) {
    return new ConfigMapBuilder().withNewMetadata().withName("kubesmith").withNamespace("kube-system").endMetadata()
        .addToData(key, value).build();
  }

  /**
   * Issue 12: kube-apiserver's health and version paths with query strings, as kubectl and probes
   * send them; before, any path the expectations did not match exactly went to the CRUD store, and
   * {@code /healthz?verbose} listed every stored object, a Secret's key included.
   */
  @Test
  void answersHealthAndVersionWithQueryStringsAndServesNoObjectOutsideTheApiPaths() {
    try (MockApi api = MockApi.start()) {
      api.client().secrets().inNamespace("kube-system").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
          .withNewMetadata().withName("ca").endMetadata().addToStringData("ca.key", "TOP-SECRET-KEY").build()).create();
      java.util.function.Function<String, ExecResult> get = p -> Proc.run(List.of("curl", "-sk", "-w", " %{http_code}", api.url() + p));

      assertThat(get.apply("/healthz?verbose").stdout()).startsWith("[+]ping ok").contains("healthz check passed").endsWith(" 200");
      assertThat(get.apply("/livez?exclude=etcd").stdout()).isEqualTo("ok 200");
      assertThat(get.apply("/readyz/etcd").stdout()).isEqualTo("ok 200");
      assertThat(get.apply("/version?timeout=32s").stdout()).contains("\"gitVersion\":\"v1.34.2\"").endsWith(" 200");
      for (String path : List.of("/healthz?verbose", "/metrics", "/openapi/v2", "/", "/anything?x=1")) {
        assertThat(get.apply(path).stdout()).as(path).doesNotContain("TOP-SECRET-KEY").doesNotContain(
            java.util.Base64.getEncoder().encodeToString("TOP-SECRET-KEY".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }
      assertThat(get.apply("/metrics").stdout()).contains("NotFound").endsWith(" 404");
      assertThat(api.client().secrets().inNamespace("kube-system").withName("ca").get()).as("the API paths still serve").isNotNull();
    }
  }
}
