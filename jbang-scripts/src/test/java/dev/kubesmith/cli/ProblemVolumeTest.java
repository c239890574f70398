package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI prints a bounded, legible list of problems however large or strange the input. */
class ProblemVolumeTest {
  @TempDir
  Path tmp;

  @Test
  void fiftyThousandBadLinesPrintOneGroupedLine() throws Exception {
    // given a hosts file of 50,000 lines with a misspelt role
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 50_000; i++) {
      text.append("10.0.").append(i / 250).append('.').append(i % 250 + 1).append(" w").append(i).append(" wrker\n");
    }
    Path hosts = Files.writeString(tmp.resolve("big_hosts"), text);

    // when it is planned
    CliRun run = plan(hosts);

    // then one line names the first places and counts the rest
    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.errLines()).singleElement().asString().contains(" and 49997 more: is not a role");
  }

  @Test
  void oneMegabyteLineWithABomAndNulsPrintsUnderTwoKilobytes() throws Exception {
    // given a hosts file saved with a BOM whose one line is 1 MB with NUL bytes in it
    Path hosts = Files.writeString(tmp.resolve("odd_hosts"), "\uFEFF" + "\0\0" + "y".repeat(1_000_000) + "\n");

    // when it is planned
    CliRun run = plan(hosts);

    // then the error is short, names the invisible characters and never echoes them
    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.err().length()).isLessThan(2_000);
    assertThat(run.err()).contains("[U+FEFF (byte order mark)][U+0000 (NUL) x2]yyy", "... (1000003 characters)")
        .doesNotContain("\uFEFF").doesNotContain("\0");
  }

  private CliRun plan(Path hosts) {
    return CliRun.of("plan", "--inventory", hosts.toString(), "--vip", "192.168.4.100",
        "--mirror", CliRun.mirror().toString(), "--out", tmp.resolve("out").toString());
  }
}
