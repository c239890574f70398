package dev.kubesmith.addons.ingress;

import dev.kubesmith.kube.KubernetesApi;
import dev.kubesmith.plan.Manifest;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * HTTP basic auth in front of a Traefik route: users with bcrypt-hashed passwords in a Secret
 * {@value #SECRET_NAME}, a {@code Middleware} {@value #MIDDLEWARE_NAME} that checks them, and
 * {@link #route(String, String, String, int)} for an {@code IngressRoute} that uses it. Passwords
 * are hashed once, when the BasicAuth is made, each with a random salt, so equal passwords never
 * give equal hashes; only the hashes reach the manifests, and {@link #toString()} names the users
 * only. Re-applying stays a no-op all the same: when the Secret is applied, a user's live hash that
 * verifies the wanted password is kept ({@link BasicAuthLiveValues}), and only a changed password
 * gets the new hash.
 *
 * <pre>{@code
 * BasicAuth auth = BasicAuth.generated("admin");
 * String password = auth.generatedPasswords().get("admin");   // tell the user; it is not kept anywhere else
 * Manifest m = auth.manifest("monitoring");                   // Secret + Middleware
 * Map<String, Object> route = BasicAuth.route("monitoring", "grafana.apps.example.com", "grafana", 3000);
 * }</pre>
 */
public final class BasicAuth {
  public static final String SECRET_NAME = "basic-auth-users";
  public static final String MIDDLEWARE_NAME = "basic-auth";
  /** The key in the Secret Traefik reads htpasswd lines from. */
  public static final String USERS_KEY = "users";
  public static final String TRAEFIK_API_VERSION = "traefik.io/v1alpha1";
  public static final int BCRYPT_COST = 10;
  public static final int GENERATED_PASSWORD_LENGTH = 24;

  /** No ':' (the htpasswd separator), no whitespace. */
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
  private static final char[] ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** User to htpasswd line, in the order given. */
  private final Map<String, String> lines;
  private final Map<String, String> generatedPasswords;

  private BasicAuth(Map<String, String> lines, Map<String, String> generatedPasswords) {
    this.lines = lines;
    this.generatedPasswords = generatedPasswords;
  }

  /**
   * Users with the passwords given, hashed with bcrypt (cost {@value #BCRYPT_COST}) and a random salt.
   * The passwords stay in memory with this BasicAuth (never in its manifests or its text) so the
   * apply can verify the live hashes against them.
   *
   * @throws IllegalArgumentException for no users, a user name with ':' or whitespace, or an empty password
   */
  public static BasicAuth users(Map<String, String> userToPassword) {
    if (userToPassword == null || userToPassword.isEmpty()) {
      throw new IllegalArgumentException("basic auth needs at least one user; e.g. BasicAuth.generated(\"admin\")");
    }
    Map<String, String> lines = new LinkedHashMap<>();
    userToPassword.forEach((user, password) -> {
      checkUser(user);
      if (password == null || password.isEmpty()) {
        throw new IllegalArgumentException("user " + user + " has an empty password; give one or use BasicAuth.generated(...)");
      }
      lines.put(user, htpasswdLine(user, password));
    });
    return new BasicAuth(Collections.unmodifiableMap(lines), Map.of());
  }

  /**
   * Users with fresh random passwords of {@value #GENERATED_PASSWORD_LENGTH} letters and digits,
   * returned by {@link #generatedPasswords()}.
   *
   * @throws IllegalArgumentException for no users, a repeated user or a bad user name
   */
  public static BasicAuth generated(String... users) {
    if (users.length == 0) {
      throw new IllegalArgumentException("basic auth needs at least one user; e.g. BasicAuth.generated(\"admin\")");
    }
    Map<String, String> passwords = new LinkedHashMap<>();
    for (String u : users) {
      checkUser(u);
      if (passwords.put(u, password()) != null) {
        throw new IllegalArgumentException("user " + u + " is named twice");
      }
    }
    BasicAuth hashed = users(passwords);
    return new BasicAuth(hashed.lines, Collections.unmodifiableMap(passwords));
  }

  /** The users, in the order given. */
  public List<String> users() {
    return List.copyOf(lines.keySet());
  }

  /** The passwords made by {@link #generated(String...)}, by user; empty for {@link #users(Map)}. */
  public Map<String, String> generatedPasswords() {
    return generatedPasswords;
  }

  /** One {@code user:$2y$10$...} line per user, newline-terminated. */
  public String htpasswd() {
    StringBuilder b = new StringBuilder();
    lines.values().forEach(l -> b.append(l).append('\n'));
    return b.toString();
  }

  /**
   * The Secret {@value #SECRET_NAME} with the htpasswd lines under {@value #USERS_KEY}. With generated
   * passwords it is marked {@code kubesmith.dev/keep-existing}: created by the first apply and kept by
   * every later one, so the passwords handed out the first time stay valid (a re-run's freshly
   * generated passwords are not applied; delete the Secret to rotate them). For given passwords the
   * apply keeps each live hash that verifies the password given now, so a re-run changes nothing
   * and a new password is applied.
   */
  public Secret secret(String namespace) {
    return new SecretBuilder()
        .withNewMetadata().withName(SECRET_NAME).withNamespace(namespace)
        .withAnnotations(generatedPasswords.isEmpty() ? null : Map.of(KubernetesApi.KEEP_EXISTING, "true")).endMetadata()
        .withType("Opaque")
        .addToStringData(USERS_KEY, htpasswd())
        .build();
  }

  /** The Middleware {@value #MIDDLEWARE_NAME} checking the users of {@link #secret(String)}. */
  public static Map<String, Object> middleware(String namespace) {
    Map<String, Object> basicAuth = new LinkedHashMap<>();
    basicAuth.put("secret", SECRET_NAME);
    basicAuth.put("realm", "kubesmith");
    return object("Middleware", MIDDLEWARE_NAME, namespace, Map.of("basicAuth", basicAuth));
  }

  /** Secret and Middleware for a namespace as one manifest, named {@code basic-auth-<namespace>}. */
  public Manifest manifest(String namespace) {
    return Manifest.of(MIDDLEWARE_NAME + "-" + namespace, TraefikManifests.toYaml(List.of(secret(namespace), middleware(namespace))));
  }

  /**
   * An IngressRoute on the {@code websecure} entry point sending {@code Host(host)} to a service
   * behind the {@value #MIDDLEWARE_NAME} middleware; TLS only, so passwords never cross in clear.
   */
  public static Map<String, Object> route(String namespace, String host, String serviceName, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not a TCP port (1-65535)");
    }
    if (host == null || !host.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
      throw new IllegalArgumentException("host " + host + " is not a DNS name; write e.g. grafana.apps.example.com");
    }
    Map<String, Object> service = new LinkedHashMap<>();
    service.put("name", serviceName);
    service.put("port", port);
    Map<String, Object> route = new LinkedHashMap<>();
    route.put("kind", "Rule");
    route.put("match", "Host(`" + host + "`)");
    route.put("middlewares", List.of(Map.of("name", MIDDLEWARE_NAME)));
    route.put("services", List.of(service));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("entryPoints", List.of("websecure"));
    spec.put("routes", List.of(route));
    spec.put("tls", Map.of());
    return object("IngressRoute", serviceName, namespace, spec);
  }

  private static Map<String, Object> object(String kind, String name, String namespace, Map<String, Object> spec) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name);
    metadata.put("namespace", namespace);
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", TRAEFIK_API_VERSION);
    o.put("kind", kind);
    o.put("metadata", metadata);
    o.put("spec", spec);
    return o;
  }

  private static String htpasswdLine(String user, String password) {
    // bcrypt reads at most 72 bytes; OpenBSDBCrypt rejects longer input, so say so plainly
    if (password.getBytes(StandardCharsets.UTF_8).length > 72) {
      throw new IllegalArgumentException("the password of user " + user + " is longer than bcrypt's 72 bytes");
    }
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    String line = user + ":" + OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, BCRYPT_COST);
    BasicAuthLiveValues.remember(line, password);
    return line;
  }

  private static String password() {
    char[] p = new char[GENERATED_PASSWORD_LENGTH];
    for (int i = 0; i < p.length; i++) {
      p[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(p);
  }

  private static void checkUser(String user) {
    if (user == null || !USER.matcher(user).matches()) {
      throw new IllegalArgumentException("user name '" + user + "' must be 1-64 letters, digits, '.', '_', '@' or '-'");
    }
  }

  /** Users only: neither passwords nor hashes. */
  @Override
  public String toString() {
    return "BasicAuth" + users();
  }
}
