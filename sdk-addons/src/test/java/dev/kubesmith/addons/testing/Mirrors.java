package dev.kubesmith.addons.testing;

import dev.kubesmith.upstream.UpstreamMirror;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * Upstream mirrors for tests: the offline mirror the build names ({@link UpstreamMirror#PROPERTY}),
 * or a temporary one that links every file of it and adds files the offline mirror lacks.
 */
public final class Mirrors {
  private Mirrors() {}

  /** The offline mirror's directory, as surefire names it. */
  public static Path offline() {
    String location = System.getProperty(UpstreamMirror.PROPERTY);
    if (location == null || location.isBlank()) {
      throw new IllegalStateException("the tests need the offline mirror: set -D" + UpstreamMirror.PROPERTY);
    }
    return Path.of(location);
  }

  /**
   * A mirror in {@code dir} with a copy of the offline mirror's files of one project plus {@code text}
   * at {@code mirrorPath} in that project, e.g. {@code rook-ceph/csi-operator.yaml}. Only that
   * project is copied (rook-ceph is about 1 MB), so fetching another project's file fails.
   */
  public static UpstreamMirror offlinePlus(Path dir, String mirrorPath, String text) {
    copyProject(dir, mirrorPath);
    try {
      Path added = dir.resolve(mirrorPath);
      Files.createDirectories(added.getParent());
      Files.writeString(added, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return UpstreamMirror.at(dir);
  }

  /** Copies the offline mirror's project of {@code mirrorPath} (its first folder) into {@code dir}, replacing files there. */
  private static void copyProject(Path dir, String mirrorPath) {
    Path project = offline().resolve(mirrorPath.substring(0, mirrorPath.indexOf('/')));
    try (Stream<Path> files = Files.walk(project)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path copy = dir.resolve(offline().relativize(f).toString());
        Files.createDirectories(copy.getParent());
        Files.copy(f, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A mirror in {@code dir} with a copy of the offline mirror's files of one project except the file
   * at {@code mirrorPath}, e.g. to see what a plan says when the mirror lacks it.
   */
  public static UpstreamMirror offlineWithout(Path dir, String mirrorPath) {
    copyProject(dir, mirrorPath);
    try {
      Files.delete(dir.resolve(mirrorPath));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return UpstreamMirror.at(dir);
  }

  /** A test resource's text, e.g. {@code /dev/kubesmith/addons/some-fixture.yaml}. */
  public static String resource(String name) {
    try (InputStream in = Mirrors.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
