package dev.kubesmith.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.SmallDisk;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Step;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: the journal on a full disk and with damaged content. The full-disk tests mount a 64 KiB
 * tmpfs (needs root, as every sandbox test: without it they fail, never skip).
 */
class JournalTest {
  @TempDir Path tmp;
  private SmallDisk disk;

  private static Step step(String id) {
    return Step.builder().id(id).phase(Phase.PREPARE_HOSTS).host("h").description(id).build();
  }

  /** A 64 KiB tmpfs at tmp/disk. */
  private Path smallDisk() throws Exception {
    disk = SmallDisk.mount(tmp);
    return disk.dir();
  }

  /** Fills the small disk; deleting the returned file frees the space again. */
  private Path fill(Path unused) throws IOException {
    return this.disk.fill();
  }

  @AfterEach
  void unmount() throws Exception {
    if (disk != null) {
      disk.close(); // lazy: never leave a mount behind, even with a file open
    }
  }

  @Test
  void aJournalThatCannotBeOpenedOnAFullDiskLeavesNoLockBehind() throws Exception {
    Path disk = smallDisk();
    Path state = disk.resolve("state");
    Files.createDirectory(state);
    Path filler = fill(disk);

    assertThatThrownBy(() -> Journal.open(state)).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("No space left");
    Files.delete(filler);

    try (Journal again = Journal.open(state)) { // before: "a build of this cluster is already running"
      assertThat(again.directory()).isEqualTo(state);
    }
  }

  @Test
  void aWriteTheFullDiskCutsShortLeavesOnlyWholeLinesAndLaterStepsOnTheirOwnLine() throws Exception {
    Path disk = smallDisk();
    Path state = disk.resolve("state");
    Path log = state.resolve("journal.log");
    Path filler;
    try (Journal journal = Journal.open(state)) {
      // bring the journal close to the end of its page, so the next line needs a page the full disk lacks
      journal.markDone(step("s0"));
      for (int i = 1; Files.size(log) % 4096 < 4096 - 50; i++) {
        journal.markDone(step("s" + i));
      }
      filler = fill(disk);
      Step cut = step("a-step-whose-journal-line-does-not-fit-in-the-page-left");

      assertThatThrownBy(() -> journal.markDone(cut)).isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining(log.toString()).hasMessageContaining("No space left");
      assertThat(journal.isDone(cut)).isFalse();
      assertThat(Files.readString(log)).endsWith("\n");
      Files.delete(filler);
      journal.markDone(step("after"));
    }
    List<String> lines = Files.readAllLines(log);
    assertThat(lines).allMatch(l -> l.matches("[0-9a-f]{32} \\S+"));
    try (Journal reopened = Journal.open(state)) {
      assertThat(reopened.isDone(step("after"))).isTrue();
      assertThat(reopened.isDone(step("s0"))).isTrue();
    }
  }

  @Test
  void openingCutsOffALastLineWithoutItsNewline() throws Exception {
    try (Journal j = Journal.open(tmp)) {
      j.markDone(step("a"));
    }
    Files.writeString(tmp.resolve("journal.log"), Files.readString(tmp.resolve("journal.log")) + "0123abcd");

    try (Journal j = Journal.open(tmp)) {
      j.markDone(step("b"));
    }

    try (Journal j = Journal.open(tmp)) {
      assertThat(j.isDone(step("a"))).isTrue();
      assertThat(j.isDone(step("b"))).isTrue(); // not glued onto the half line
    }
  }

  @Test
  void aDamagedJournalIsRefusedNamingFileLineAndFixAndLeavesNoLockBehind() throws Exception {
    try (Journal j = Journal.open(tmp)) {
      j.markDone(step("a"));
    }
    Path log = tmp.resolve("journal.log");
    byte[] good = Files.readAllBytes(log);
    byte[] damaged = new byte[good.length + 3];
    System.arraycopy(good, 0, damaged, 0, good.length);
    damaged[good.length] = (byte) 0xff;
    damaged[good.length + 1] = (byte) 0xfe;
    damaged[good.length + 2] = '\n';
    Files.write(log, damaged);

    assertThatThrownBy(() -> Journal.open(tmp)).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("line 2 of " + log).hasMessageContaining("not UTF-8")
        .hasMessageContaining("mv " + log).hasMessageNotContaining("Input length");

    Files.write(log, good);
    try (Journal j = Journal.open(tmp)) { // before: refused as "already running"
      assertThat(j.isDone(step("a"))).isTrue();
    }
  }

  @Test
  void theStateDirectoryIsOnlyForItsOwner() throws Exception {
    Path state = tmp.resolve("clustera");
    Files.createDirectory(state, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));

    try (Journal j = Journal.open(state)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwx------");
    }
    try (Journal j = Journal.open(tmp.resolve("new"))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("new")))).isEqualTo("rwx------");
    }
  }
}
