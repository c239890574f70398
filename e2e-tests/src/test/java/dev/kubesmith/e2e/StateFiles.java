package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Assertions on a build's state directory (spec.yaml, journal, kubeconfig, ...) after an apply. */
final class StateFiles {
  private StateFiles() {}

  /**
   * No file of the state directory holds any of the secrets, in clear or base64 (spec.yaml names
   * users, never passwords); spec.yaml is readable by its owner only.
   */
  static void assertHoldNone(Path state, List<String> secrets) {
    Path spec = state.resolve("spec.yaml");
    assertThat(spec).as("the built cluster's spec").isRegularFile();
    try {
      assertThat(Files.getPosixFilePermissions(spec)).as("mode of %s", spec)
          .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
      try (Stream<Path> files = Files.walk(state)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          // ISO-8859-1 maps every byte: binary files (the lock) are read too
          String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
          for (String secret : secrets) {
            String b64 = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
            assertThat(text).as("%s holds no secret", state.relativize(f)).doesNotContain(secret).doesNotContain(b64);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
