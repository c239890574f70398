package dev.kubesmith.addons.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.addons.testing.MockCluster;
import dev.kubesmith.kube.KubernetesApi;
import dev.kubesmith.plan.Manifest;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Given basic-auth passwords against the CRUD mock: every BasicAuth hashes with a random salt, and
 * the apply keeps the live hash of each user whose password is unchanged, so re-running is a no-op.
 */
class BasicAuthApiTest {
  private MockCluster cluster;
  private KubernetesApi api;

  @BeforeEach
  void start() {
    cluster = MockCluster.start();
    api = KubernetesApi.of(cluster.client());
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void reapplyingTheSamePasswordKeepsTheLiveHashAndChangesNothing() {
    api.apply(secret(Map.of("alice", "pw-alice")));
    String live = liveUsers();
    String resourceVersion = liveSecret().getMetadata().getResourceVersion();

    Manifest rerun = secret(Map.of("alice", "pw-alice"));

    assertThat(rerun.yaml()).as("a fresh salt in the plan").doesNotContain(live.strip());
    assertThat(api.isApplied(rerun)).isTrue();
    api.apply(rerun);
    assertThat(liveUsers()).isEqualTo(live);
    assertThat(liveSecret().getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
  }

  @Test
  void aChangedPasswordIsAppliedAndTheOthersKeepTheirHashes() {
    Map<String, String> before = new LinkedHashMap<>();
    before.put("alice", "pw-alice");
    before.put("bob", "pw-bob");
    api.apply(secret(before));
    List<String> old = liveUsers().lines().toList();

    Map<String, String> after = new LinkedHashMap<>(before);
    after.put("bob", "pw-bob-2");
    Manifest changed = secret(after);
    assertThat(api.isApplied(changed)).isFalse();
    api.apply(changed);

    List<String> now = liveUsers().lines().toList();
    assertThat(now.get(0)).isEqualTo(old.get(0));
    assertThat(now.get(1)).isNotEqualTo(old.get(1));
    assertThat(OpenBSDBCrypt.checkPassword(hash(now.get(1)), "pw-bob-2".toCharArray())).isTrue();
    assertThat(OpenBSDBCrypt.checkPassword(hash(now.get(1)), "pw-bob".toCharArray())).isFalse();
  }

  @Test
  void twoUsersWithTheSamePasswordGetDifferentHashesInTheCluster() {
    Map<String, String> sharing = new LinkedHashMap<>();
    sharing.put("alice", "same-password");
    sharing.put("carol", "same-password");

    api.apply(secret(sharing));
    api.apply(secret(sharing));

    List<String> hashes = liveUsers().lines().map(BasicAuthApiTest::hash).toList();
    assertThat(hashes).hasSize(2).doesNotHaveDuplicates()
        .allSatisfy(h -> assertThat(OpenBSDBCrypt.checkPassword(h, "same-password".toCharArray())).isTrue());
  }

  private static Manifest secret(Map<String, String> users) {
    return Manifest.of("basic-auth", TraefikManifests.toYaml(List.of(BasicAuth.users(users).secret("monitoring"))));
  }

  private Secret liveSecret() {
    return cluster.client().secrets().inNamespace("monitoring").withName(BasicAuth.SECRET_NAME).get();
  }

  private String liveUsers() {
    Secret s = liveSecret();
    return s.getData() != null && s.getData().containsKey(BasicAuth.USERS_KEY)
        ? new String(Base64.getDecoder().decode(s.getData().get(BasicAuth.USERS_KEY)), StandardCharsets.UTF_8)
        : s.getStringData().get(BasicAuth.USERS_KEY);
  }

  private static String hash(String line) {
    return line.substring(line.indexOf(':') + 1);
  }
}
