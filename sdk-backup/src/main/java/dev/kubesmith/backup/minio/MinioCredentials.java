package dev.kubesmith.backup.minio;

import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Host;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * MinIO's root credential. The password is generated once on the NFS host (48 hex digits from
 * {@code /dev/urandom} into {@value #PASSWORD_FILE}, mode 0600, beside the data it protects), read back
 * by the build as the secret {@value MinioManifests#PASSWORD_SECRET} (never logged, redacted from
 * output) and filled into the Secrets of MinIO and Velero when they are applied. Rendered plans hold
 * only the placeholder. The caller reads it from the cluster with {@link #read(KubernetesClient)}.
 *
 * <pre>{@code
 * MinioCredentials root = MinioCredentials.read(api.client());
 * String password = root.password();   // toString() never shows it
 * }</pre>
 */
public final class MinioCredentials {
  public static final String PASSWORD_FILE = "/etc/kubesmith/minio/root-password";

  private final String user;
  private final String password;

  public MinioCredentials(String user, String password) {
    this.user = Objects.requireNonNull(user, "user");
    this.password = Objects.requireNonNull(password, "password");
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** The step id on the NFS host, {@code minio-credentials@<host>}. */
  public static String stepId(Host nfs) {
    return "minio-credentials@" + nfs.name();
  }

  /** Generates the password on the NFS host unless it is there, then reads it into the build's secrets. */
  public static Step step(Host nfs) {
    String tmp = PASSWORD_FILE + ".new";
    return Step.builder().id(stepId(nfs)).phase(Phase.BACKUP).host(nfs.name())
        .description("MinIO root password: generated once on " + nfs.name() + " in " + PASSWORD_FILE
            + " (0600) and read into the build as secret " + MinioManifests.PASSWORD_SECRET)
        .addCommands("install -d -m 0700 /etc/kubesmith/minio")
        .addCommands("[ -s " + PASSWORD_FILE + " ] || { umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \\n' > "
            + tmp + " && mv -f " + tmp + " " + PASSWORD_FILE + "; }")
        .putCaptures(MinioManifests.PASSWORD_SECRET, "cat " + PASSWORD_FILE)
        .build();
  }

  /**
   * The credential as the build learned it (e.g. {@code executor.context()} after a build run with a
   * {@code BuildExecutor} of your own).
   *
   * @throws IllegalStateException when the build has not read it yet (its step on the NFS host has not run)
   */
  public static MinioCredentials from(dev.kubesmith.exec.StepContext build) {
    return new MinioCredentials(MinioManifests.ROOT_USER,
        build.fill(dev.kubesmith.plan.Secrets.placeholder(MinioManifests.PASSWORD_SECRET)));
  }

  /**
   * The credential from the Secret {@value MinioManifests#SECRET} in namespace {@value MinioManifests#NAMESPACE}.
   *
   * @throws IllegalStateException when the Secret is not there yet (the backup steps have not run)
   */
  public static MinioCredentials read(KubernetesClient client) {
    Secret s = client.secrets().inNamespace(MinioManifests.NAMESPACE).withName(MinioManifests.SECRET).get();
    if (s == null) {
      throw new IllegalStateException("no Secret " + MinioManifests.NAMESPACE + "/" + MinioManifests.SECRET
          + " in the cluster yet; apply the backup component first");
    }
    return new MinioCredentials(value(s, MinioManifests.USER_KEY), value(s, MinioManifests.PASSWORD_KEY));
  }

  private static String value(Secret s, String key) {
    Map<String, String> data = s.getData();
    if (data != null && data.get(key) != null) {
      return new String(Base64.getDecoder().decode(data.get(key)), StandardCharsets.UTF_8);
    }
    Map<String, String> plain = s.getStringData();
    if (plain != null && plain.get(key) != null) {
      return plain.get(key);
    }
    throw new IllegalStateException("Secret " + MinioManifests.NAMESPACE + "/" + MinioManifests.SECRET + " has no key " + key);
  }

  /** The user only. */
  @Override
  public String toString() {
    return "MinioCredentials{user=" + user + ", password=****}";
  }
}
