package dev.kubesmith.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.plan.Manifest;
import dev.kubesmith.testkit.MockApi;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Tier 2: objects marked kubesmith.dev/keep-existing are created once and then left alone. */
class KeepExistingTest {
  static String secret(String password, boolean keep) {
    return """
        apiVersion: v1
        kind: Secret
        metadata:
          name: creds
          namespace: default
        %s
        stringData:
          password: %s
        """.formatted(keep ? "  annotations: {kubesmith.dev/keep-existing: \"true\"}" : "", password);
  }

  static String live(MockApi mock) {
    var s = mock.client().secrets().inNamespace("default").withName("creds").get();
    String v = s.getData() != null && s.getData().containsKey("password")
        ? new String(Base64.getDecoder().decode(s.getData().get("password")))
        : s.getStringData().get("password");
    return v;
  }

  @Test
  void createsOnceThenKeepsWhatTheClusterHas() {
    try (MockApi mock = MockApi.start(); KubernetesApi api = KubernetesApi.of(mock.client())) {
      Manifest first = Manifest.of("creds", secret("first", true));
      Manifest second = Manifest.of("creds", secret("second", true));
      assertThat(api.isApplied(first)).isFalse();

      api.apply(first);
      assertThat(api.isApplied(second)).as("present is enough").isTrue();
      api.apply(second);

      assertThat(live(mock)).isEqualTo("first");
    }
  }

  @Test
  void replacesUnmarkedObjects() {
    try (MockApi mock = MockApi.start(); KubernetesApi api = KubernetesApi.of(mock.client())) {
      api.apply(Manifest.of("creds", secret("first", false)));
      Manifest second = Manifest.of("creds", secret("second", false));
      assertThat(api.isApplied(second)).isFalse();

      api.apply(second);

      assertThat(live(mock)).isEqualTo("second");
      assertThat(api.isApplied(second)).isTrue();
    }
  }
}
