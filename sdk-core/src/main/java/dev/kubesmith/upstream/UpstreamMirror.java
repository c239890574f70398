package dev.kubesmith.upstream;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where pinned upstream manifests come from: upstream itself, a directory, or an HTTP mirror laid
 * out like {@code <project>/<file>} (the layout of the offline mirror the tests use). Every file is
 * checked against its pinned SHA-256 before use, and verified copies are kept in memory.
 *
 * <pre>{@code
 * UpstreamMirror mirror = UpstreamMirror.at("/srv/mirror");        // or "https://mirror.example/kubesmith"
 * String calico = mirror.fetch(Calico.MANIFEST);
 * }</pre>
 */
public final class UpstreamMirror {
  /** System property naming a mirror directory or URL; read by {@link #fromEnvironment()}. */
  public static final String PROPERTY = "kubesmith.upstream.mirror";
  /** Environment variable naming a mirror directory or URL; read by {@link #fromEnvironment()}. */
  public static final String ENVIRONMENT = "KUBESMITH_UPSTREAM_MIRROR";

  private final String location;
  private final Map<String, String> verified;
  /** What {@link #fetch} returned through this object (a {@link #recording()} view has its own). */
  private final Map<UpstreamFile, String> fetched = new ConcurrentHashMap<>();

  private UpstreamMirror(String location) {
    this(location, new ConcurrentHashMap<>());
  }

  private UpstreamMirror(String location, Map<String, String> verified) {
    this.location = location;
    this.verified = verified;
  }

  /**
   * The same mirror (and its verified files), remembering what is fetched through it from now on:
   * e.g. what one plan used, for an offline bundle ({@link #fetched()}).
   */
  public UpstreamMirror recording() {
    return new UpstreamMirror(location, verified);
  }

  /** Every file fetched through this object, with its verified text. */
  public Map<UpstreamFile, String> fetched() {
    return Map.copyOf(fetched);
  }

  /** Each file from its upstream URL (needs internet access). */
  public static UpstreamMirror official() {
    return new UpstreamMirror(null);
  }

  /** A directory or an http(s) URL laid out as {@code <project>/<file>}. */
  public static UpstreamMirror at(String location) {
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException("a mirror location must be a directory or an http(s) URL");
    }
    return new UpstreamMirror(location.trim());
  }

  public static UpstreamMirror at(Path directory) {
    return at(directory.toAbsolutePath().toString());
  }

  /** The mirror named by {@value #PROPERTY} or {@value #ENVIRONMENT}, else {@link #official()}. */
  public static UpstreamMirror fromEnvironment() {
    String p = System.getProperty(PROPERTY);
    if (p == null || p.isBlank()) {
      p = System.getenv(ENVIRONMENT);
    }
    return p == null || p.isBlank() ? official() : at(p);
  }

  /** The directory or URL, or empty for upstream itself. */
  public Optional<String> location() {
    return Optional.ofNullable(location);
  }

  /** The file's text, verified against its pinned checksum. */
  public String fetch(UpstreamFile file) {
    String text = verified.computeIfAbsent(file.sha256(), k -> load(file));
    fetched.put(file, text);
    return text;
  }

  private String load(UpstreamFile file) {
    String source = sourceOf(file);
    byte[] bytes;
    try {
      bytes = source.startsWith("http://") || source.startsWith("https://") ? http(source) : Files.readAllBytes(Path.of(source));
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new UpstreamException("could not read " + file + " from " + source + ": " + why
          + "; point the SDK at a mirror that has it (" + PROPERTY + ", " + ENVIRONMENT + " or --mirror)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UpstreamException("interrupted while fetching " + file, e);
    }
    String actual = sha256(bytes);
    if (!actual.equals(file.sha256())) {
      throw new UpstreamException(file + " from " + source + " has SHA-256 " + actual + " but " + file.sha256()
          + " is pinned; the mirror holds another version or a changed file: replace it with " + file.upstreamUrl());
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private String sourceOf(UpstreamFile file) {
    if (location == null) {
      return file.upstreamUrl();
    }
    if (location.startsWith("http://") || location.startsWith("https://")) {
      return location.replaceAll("/+$", "") + "/" + file.mirrorPath();
    }
    return Path.of(location).resolve(file.mirrorPath()).toString();
  }

  private static byte[] http(String url) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
        .followRedirects(HttpClient.Redirect.NORMAL).build();
    HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException("HTTP " + r.statusCode());
    }
    return r.body();
  }

  static String sha256(byte[] bytes) {
    return dev.kubesmith.internal.Sha256.hex(bytes);
  }

  @Override
  public String toString() {
    return location == null ? "upstream" : location;
  }
}
