package dev.kubesmith.addons.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.plan.Manifest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;

class BasicAuthTest {

  @Test
  void writesOneBcryptLinePerUserThatVerifiesTheGivenPassword() {
    Map<String, String> given = new LinkedHashMap<>();
    given.put("alice", "correct horse battery staple");
    given.put("bob", "s3cret:with:colons");

    BasicAuth auth = BasicAuth.users(given);

    List<String> lines = auth.htpasswd().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("alice:$2y$10$");
    assertThat(lines.get(1)).startsWith("bob:$2y$10$");
    assertThat(OpenBSDBCrypt.checkPassword(hash(lines.get(0)), "correct horse battery staple".toCharArray())).isTrue();
    assertThat(OpenBSDBCrypt.checkPassword(hash(lines.get(1)), "s3cret:with:colons".toCharArray())).isTrue();
    assertThat(OpenBSDBCrypt.checkPassword(hash(lines.get(0)), "s3cret:with:colons".toCharArray())).isFalse();
    assertThat(auth.generatedPasswords()).isEmpty();
  }

  @Test
  void generatesPasswordsThatVerifyAndDifferBetweenCalls() {
    BasicAuth first = BasicAuth.generated("admin", "viewer");
    BasicAuth second = BasicAuth.generated("admin", "viewer");

    assertThat(first.users()).containsExactly("admin", "viewer");
    assertThat(first.generatedPasswords()).containsOnlyKeys("admin", "viewer");
    assertThat(first.generatedPasswords().values()).allSatisfy(p -> assertThat(p).hasSize(24).matches("[A-Za-z0-9]{24}"));
    assertThat(first.generatedPasswords().get("admin")).isNotEqualTo(first.generatedPasswords().get("viewer"))
        .isNotEqualTo(second.generatedPasswords().get("admin"));
    List<String> lines = first.htpasswd().lines().toList();
    assertThat(OpenBSDBCrypt.checkPassword(hash(lines.get(0)), first.generatedPasswords().get("admin").toCharArray())).isTrue();
    assertThat(OpenBSDBCrypt.checkPassword(hash(lines.get(1)), first.generatedPasswords().get("viewer").toCharArray())).isTrue();
    // a fresh salt each time: the same user gets a different hash
    assertThat(first.htpasswd()).isNotEqualTo(second.htpasswd());
  }

  @Test
  void hashesWithARandomSaltSoEqualPasswordsGiveDifferentHashes() {
    String once = BasicAuth.users(Map.of("alice", "pw-alice")).htpasswd();
    String again = BasicAuth.users(Map.of("alice", "pw-alice")).htpasswd();
    Map<String, String> sharing = new LinkedHashMap<>();
    sharing.put("alice", "same-password");
    sharing.put("carol", "same-password");

    List<String> shared = BasicAuth.users(sharing).htpasswd().lines().map(BasicAuthTest::hash).toList();

    assertThat(again).isNotEqualTo(once);
    assertThat(shared.get(0)).isNotEqualTo(shared.get(1));
    assertThat(shared.get(0).substring(0, 29)).as("the salts differ").isNotEqualTo(shared.get(1).substring(0, 29));
    assertThat(shared).allSatisfy(h -> assertThat(OpenBSDBCrypt.checkPassword(h, "same-password".toCharArray())).isTrue());
    assertThat(BasicAuth.users(Map.of("alice", "pw-alice")).secret("monitoring").getMetadata().getAnnotations())
        .as("given passwords are applied every time they change").isNullOrEmpty();
  }

  @Test
  void keepsTheSecretOfGeneratedPasswordsOnceCreated() {
    assertThat(BasicAuth.generated("admin").secret("monitoring").getMetadata().getAnnotations())
        .containsExactly(Map.entry("kubesmith.dev/keep-existing", "true"));
  }

  @Test
  void neverShowsPasswordsOrHashesInToString() {
    BasicAuth generated = BasicAuth.generated("admin");
    BasicAuth given = BasicAuth.users(Map.of("alice", "hunter2-password"));

    assertThat(generated.toString()).contains("admin").doesNotContain(generated.generatedPasswords().get("admin"))
        .doesNotContain("$2y$");
    assertThat(given.toString()).contains("alice").doesNotContain("hunter2-password").doesNotContain("$2y$");
  }

  @Test
  void writesTheSecretAndMiddlewareForANamespace() {
    BasicAuth auth = BasicAuth.users(Map.of("alice", "pw-alice"));

    Manifest m = auth.manifest("monitoring");

    assertThat(m.name()).isEqualTo("basic-auth-monitoring");
    assertThat(m.yaml()).doesNotContain("pw-alice");
    List<Map<String, Object>> docs = TraefikManifests.documents(m.yaml()).stream().map(TraefikTest::map).toList();
    assertThat(docs).extracting(d -> d.get("kind")).containsExactly("Secret", "Middleware");
    Map<String, Object> secret = docs.get(0);
    assertThat(secret.get("metadata")).isEqualTo(Map.of("name", "basic-auth-users", "namespace", "monitoring"));
    String users = (String) TraefikTest.map(secret.get("stringData")).get("users");
    assertThat(OpenBSDBCrypt.checkPassword(hash(users.strip()), "pw-alice".toCharArray())).isTrue();
    Map<String, Object> middleware = docs.get(1);
    assertThat(middleware.get("apiVersion")).isEqualTo("traefik.io/v1alpha1");
    assertThat(middleware.get("metadata")).isEqualTo(Map.of("name", "basic-auth", "namespace", "monitoring"));
    assertThat(TraefikTest.map(TraefikTest.map(middleware.get("spec")).get("basicAuth"))).containsEntry("secret", "basic-auth-users");
  }

  @Test
  void routesAHostOverTlsThroughTheMiddleware() {
    Map<String, Object> route = BasicAuth.route("monitoring", "grafana.apps.example.com", "grafana", 3000);

    Map<String, Object> spec = TraefikTest.map(route.get("spec"));
    assertThat(route.get("kind")).isEqualTo("IngressRoute");
    assertThat(spec.get("entryPoints")).isEqualTo(List.of("websecure"));
    assertThat(spec.get("tls")).isEqualTo(Map.of());
    assertThat(spec.get("routes")).isEqualTo(List.of(Map.of("kind", "Rule", "match", "Host(`grafana.apps.example.com`)",
        "middlewares", List.of(Map.of("name", "basic-auth")), "services", List.of(Map.of("name", "grafana", "port", 3000)))));
  }

  @Test
  void rejectsBadUsersPasswordsAndRoutes() {
    assertThatThrownBy(() -> BasicAuth.users(Map.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BasicAuth.users(Map.of("al:ice", "pw"))).hasMessageContaining("al:ice");
    assertThatThrownBy(() -> BasicAuth.users(Map.of("alice", ""))).hasMessageContaining("empty password");
    assertThatThrownBy(() -> BasicAuth.generated("admin", "admin")).hasMessageContaining("twice");
    char[] longPassword = new char[73];
    Arrays.fill(longPassword, 'x');
    assertThatThrownBy(() -> BasicAuth.users(Map.of("alice", new String(longPassword)))).hasMessageContaining("72 bytes");
    assertThatThrownBy(() -> BasicAuth.route("monitoring", "grafana.apps.example.com", "grafana", 0))
        .hasMessageContaining("port 0");
  }

  private static String hash(String htpasswdLine) {
    return htpasswdLine.substring(htpasswdLine.indexOf(':') + 1);
  }
}
