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
}
