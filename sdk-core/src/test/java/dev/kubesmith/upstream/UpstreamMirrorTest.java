package dev.kubesmith.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpstreamMirrorTest {
  private static final String CALICO_SHA256 = "a1df919d9721cf667accdc3e72848911b0cb25cfab7d2478ad0c996302c95744";
  private static final String CONTENT = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n";

  @TempDir
  Path mirror;

  private static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static UpstreamFile demo(String sha256) {
    return new UpstreamFile("demo", "v1.0.0", "demo/demo.yaml", "https://example.invalid/demo/v1.0.0/demo.yaml", sha256);
  }

  private void putInMirror(String text) throws Exception {
    Files.createDirectories(mirror.resolve("demo"));
    Files.writeString(mirror.resolve("demo/demo.yaml"), text);
  }

  @Test
  void readsAVerifiedFileFromADirectoryMirror() throws Exception {
    putInMirror(CONTENT);
    UpstreamMirror m = UpstreamMirror.at(mirror);

    assertThat(m.fetch(demo(sha256(CONTENT)))).isEqualTo(CONTENT);
    assertThat(m.location()).contains(mirror.toAbsolutePath().toString());
  }

  @Test
  void keepsAVerifiedCopyInMemory() throws Exception {
    putInMirror(CONTENT);
    UpstreamMirror m = UpstreamMirror.at(mirror);
    UpstreamFile file = demo(sha256(CONTENT));
    m.fetch(file);

    Files.delete(mirror.resolve("demo/demo.yaml"));

    assertThat(m.fetch(file)).isEqualTo(CONTENT);
  }

  @Test
  void aRecordingViewRemembersOnlyWhatWasFetchedThroughItAndSharesTheVerifiedCopies() throws Exception {
    putInMirror(CONTENT);
    UpstreamMirror m = UpstreamMirror.at(mirror);
    UpstreamFile file = demo(sha256(CONTENT));
    m.fetch(file);
    UpstreamMirror view = m.recording();
    assertThat(view.fetched()).isEmpty();

    java.nio.file.Files.delete(mirror.resolve(file.mirrorPath())); // served from the verified copy
    assertThat(view.fetch(file)).isEqualTo(CONTENT);

    assertThat(view.fetched()).containsExactly(java.util.Map.entry(file, CONTENT));
    assertThat(m.recording().fetched()).isEmpty();
  }

  @Test
  void refusesAFileWhoseChecksumDiffersNamingFileAndBothChecksums() throws Exception {
    putInMirror(CONTENT + "# changed\n");
    String pinned = sha256(CONTENT);
    String actual = sha256(CONTENT + "# changed\n");

    UpstreamException e = catchThrowableOfType(UpstreamException.class,
        () -> UpstreamMirror.at(mirror).fetch(demo(pinned)));

    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains("demo/demo.yaml", "v1.0.0", pinned, actual,
        "https://example.invalid/demo/v1.0.0/demo.yaml");
  }

  @Test
  void namesTheMirrorAndTheSettingsForAMissingFile() throws Exception {
    UpstreamException e = catchThrowableOfType(UpstreamException.class,
        () -> UpstreamMirror.at(mirror).fetch(demo(sha256(CONTENT))));

    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains(mirror.toAbsolutePath().toString(), "demo/demo.yaml",
        UpstreamMirror.PROPERTY, UpstreamMirror.ENVIRONMENT);
  }

  @Test
  void readsTheMirrorNamedByTheSystemProperty() {
    String configured = System.getProperty(UpstreamMirror.PROPERTY);
    assertThat(configured).as("surefire sets %s", UpstreamMirror.PROPERTY).isNotBlank();

    UpstreamMirror m = UpstreamMirror.fromEnvironment();

    assertThat(m.location()).contains(configured);
    String calico = m.fetch(new UpstreamFile("calico", "v3.32.1", "calico/calico.yaml",
        "https://raw.githubusercontent.com/projectcalico/calico/v3.32.1/manifests/calico.yaml", CALICO_SHA256));
    assertThat(calico).contains("calico-node").contains("CALICO_IPV4POOL_CIDR");
  }

  @Test
  void followsAChangedSystemProperty() {
    String before = System.getProperty(UpstreamMirror.PROPERTY);
    try {
      System.setProperty(UpstreamMirror.PROPERTY, mirror.toString());

      assertThat(UpstreamMirror.fromEnvironment().location()).contains(mirror.toString());
    } finally {
      if (before == null) {
        System.clearProperty(UpstreamMirror.PROPERTY);
      } else {
        System.setProperty(UpstreamMirror.PROPERTY, before);
      }
    }
  }

  @Test
  void refusesABadMirrorLocationAndABadChecksum() {
    assertThatThrownBy(() -> UpstreamMirror.at(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> demo("A1DF")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("demo/demo.yaml");
    assertThat(UpstreamMirror.official().location()).isEmpty();
    assertThat(UpstreamMirror.official()).hasToString("upstream");
  }
}
