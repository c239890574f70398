package dev.kubesmith.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * Values of an object that are chosen against its live form before {@link KubernetesApi} applies
 * it or checks it is applied, so a value that must differ on every run to be safe can still be
 * re-applied without a change. The example is a basic-auth Secret: its bcrypt hashes have a random
 * salt, so a fresh hash never equals the one in the cluster; an implementation keeps the live hash
 * whenever it verifies the wanted password. Implementations are found by {@link ServiceLoader}
 * ({@code META-INF/services/dev.kubesmith.kube.LiveValues}); {@link #claims} is asked first, so
 * the live object is read only for objects an implementation claims.
 *
 * <pre>{@code
 * public final class KeepVerifiedHashes implements LiveValues {
 *   public boolean claims(HasMetadata wanted) { return wanted instanceof Secret s && isBasicAuth(s); }
 *   public HasMetadata choose(HasMetadata wanted, Supplier<HasMetadata> live) { ... }
 * }
 * }</pre>
 */
public interface LiveValues {
  /** Whether {@link #choose} has anything to do for this object. */
  boolean claims(HasMetadata wanted);

  /**
   * The object to apply: {@code wanted}, or a copy with some values taken from {@code live} (whose
   * supplier returns null when the object does not exist yet).
   */
  HasMetadata choose(HasMetadata wanted, Supplier<HasMetadata> live);

  /** The implementations on the class path, loaded once. */
  static List<LiveValues> installed() {
    return InstalledLiveValues.ALL;
  }
}

/** Loaded on first use, so a class path without implementations costs nothing. */
final class InstalledLiveValues {
  static final List<LiveValues> ALL = ServiceLoader.load(LiveValues.class).stream().map(ServiceLoader.Provider::get).toList();

  private InstalledLiveValues() {}
}
