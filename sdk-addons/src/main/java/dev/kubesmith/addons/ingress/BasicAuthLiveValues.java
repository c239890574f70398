package dev.kubesmith.addons.ingress;

import dev.kubesmith.kube.KubernetesApi;
import dev.kubesmith.kube.LiveValues;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Keeps a basic-auth Secret's live bcrypt hash for each user whose live hash verifies the password
 * wanted now, so re-applying the same passwords changes nothing although every {@link BasicAuth}
 * hashes with a fresh random salt; a changed password, a new user or a Secret not there yet gets the
 * new hash. Found by {@link java.util.ServiceLoader} as a {@link LiveValues}.
 *
 * <p>The wanted passwords are known only in the process that made the BasicAuth: each htpasswd line
 * it makes is remembered here with its password for as long as that BasicAuth holds the line (weak
 * keys), never written anywhere. A Secret whose lines this process did not make (e.g. read from a
 * rendered plan) is applied as it is.
 *
 * <pre>{@code
 * // nothing to call: KubernetesApi.apply(auth.manifest("monitoring")) asks it
 * }</pre>
 */
public final class BasicAuthLiveValues implements LiveValues {
  /** htpasswd line made by this process to the password it hashes. */
  private static final Map<String, char[]> PASSWORDS = Collections.synchronizedMap(new WeakHashMap<>());

  static void remember(String line, String password) {
    PASSWORDS.put(line, password.toCharArray());
  }

  @Override
  public boolean claims(HasMetadata wanted) {
    return wanted instanceof Secret s && BasicAuth.SECRET_NAME.equals(s.getMetadata().getName())
        && s.getStringData() != null && s.getStringData().get(BasicAuth.USERS_KEY) != null
        && (s.getMetadata().getAnnotations() == null || !s.getMetadata().getAnnotations().containsKey(KubernetesApi.KEEP_EXISTING))
        && s.getStringData().get(BasicAuth.USERS_KEY).lines().allMatch(PASSWORDS::containsKey);
  }

  @Override
  public HasMetadata choose(HasMetadata wanted, Supplier<HasMetadata> live) {
    Map<String, String> liveLines = lines(live.get() instanceof Secret s ? usersOf(s) : "");
    if (liveLines.isEmpty()) {
      return wanted;
    }
    Secret secret = (Secret) wanted;
    StringBuilder chosen = new StringBuilder();
    for (String line : secret.getStringData().get(BasicAuth.USERS_KEY).lines().toList()) {
      String old = liveLines.get(user(line));
      chosen.append(old != null && verifies(old, PASSWORDS.get(line)) ? old : line).append('\n');
    }
    Map<String, String> stringData = new LinkedHashMap<>(secret.getStringData());
    stringData.put(BasicAuth.USERS_KEY, chosen.toString());
    return new SecretBuilder(secret).withStringData(stringData).build();
  }

  private static boolean verifies(String line, char[] password) {
    try {
      return password != null && OpenBSDBCrypt.checkPassword(line.substring(line.indexOf(':') + 1), password);
    } catch (IllegalArgumentException e) { // not a bcrypt hash, e.g. edited by hand: replace it
      return false;
    }
  }

  private static String usersOf(Secret s) {
    if (s.getData() != null && s.getData().get(BasicAuth.USERS_KEY) != null) {
      return new String(Base64.getDecoder().decode(s.getData().get(BasicAuth.USERS_KEY)), StandardCharsets.UTF_8);
    }
    return s.getStringData() == null ? "" : s.getStringData().getOrDefault(BasicAuth.USERS_KEY, "");
  }

  private static Map<String, String> lines(String htpasswd) {
    Map<String, String> byUser = new LinkedHashMap<>();
    htpasswd.lines().filter(l -> l.indexOf(':') > 0).forEach(l -> byUser.put(user(l), l));
    return byUser;
  }

  private static String user(String line) {
    return line.substring(0, line.indexOf(':'));
  }
}
