package dev.kubesmith.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.SmallDisk;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: the files an apply writes into the state directory (the fetched admin.conf, spec.yaml)
 * on a full disk, a real 64 KiB tmpfs (needs root, as the sandbox tests: without it this fails,
 * never skips).
 */
class StateFilesOnAFullDiskTest {
  @TempDir
  Path tmp;
  private SmallDisk disk;

  @AfterEach
  void unmount() throws Exception {
    if (disk != null) {
      disk.close();
    }
  }

  @Test
  void aKubeconfigThatDoesNotFitLeavesNoTemporaryFileAndTheMessageNamesTheDirectoryAndTheFix() throws Exception {
    disk = SmallDisk.mount(tmp);
    Path state = Files.createDirectory(disk.dir().resolve("state"));
    Path filler = disk.fill();
    String kubeconfig = "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    token: "
        + "t".repeat(8192) + "\n";

    assertThatThrownBy(() -> ClusterApply.writePrivate(state.resolve("admin.conf"), kubeconfig))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("admin.conf").hasMessageContaining("state directory " + state)
        .hasMessageContaining("No space left").hasMessageContaining("ApplyOptions.stateDirectory")
        .hasMessageNotContaining("tttttttt");
    try (Stream<Path> left = Files.list(state)) {
      assertThat(left).as("no temporary file left in the state directory").isEmpty();
    }

    Files.delete(filler);
    ClusterApply.writePrivate(state.resolve("admin.conf"), kubeconfig);
    assertThat(state.resolve("admin.conf")).hasContent(kubeconfig);
    assertThat(Files.getPosixFilePermissions(state.resolve("admin.conf")))
        .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
  }
}
