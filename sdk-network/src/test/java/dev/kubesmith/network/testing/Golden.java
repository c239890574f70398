package dev.kubesmith.network.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares rendered text with a reviewed copy in {@code src/test/resources/golden/}. A mismatch or a
 * missing file fails, and the rendered text is written to {@code target/golden-actual/} to diff and,
 * after review, to copy over the golden file.
 */
public final class Golden {
  private Golden() {}

  public static void assertMatches(String name, String actual) {
    String expected = read(name);
    if (!actual.equals(expected)) {
      Path out = Path.of("target", "golden-actual", name);
      try {
        Files.createDirectories(out.getParent());
        Files.writeString(out, actual);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    assertThat(expected).as("golden file golden/%s (rendered text in %s)", name, Path.of("target", "golden-actual", name))
        .isNotNull();
    assertThat(actual).as("rendered text against golden/%s", name).isEqualTo(expected);
  }

  private static String read(String name) {
    try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
