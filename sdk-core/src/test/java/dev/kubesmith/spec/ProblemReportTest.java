package dev.kubesmith.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Problems stay legible whatever the input: capped values, named invisible characters, grouped lines. */
class ProblemReportTest {

  @Test
  void oneMegabyteLineYieldsOneShortLineWithItsLength() {
    // given a hosts file whose only line is 1 MB of one word
    String line = "x".repeat(1_000_000);

    // when it is parsed
    InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class,
        () -> Inventory.parse(line + "\n", Inventory.Format.HOSTS_FILE));

    // then the whole message is short and says how long the value was
    assertThat(e.getMessage().length()).isLessThan(2_000);
    assertThat(e.getMessage()).contains("x".repeat(80) + "... (1000000 characters)");
  }

  @Test
  void byteOrderMarkIsNamedNotEchoed() {
    // given a hosts file saved with a byte order mark in front of a line the parser refuses
    String text = "\uFEFF192.168.4.31 master1\n";

    // when it is parsed
    InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class,
        () -> Inventory.parse(text, Inventory.Format.HOSTS_FILE));

    // then the message names the mark and does not hold it
    assertThat(e.getMessage()).contains("[U+FEFF (byte order mark)]192.168.4.31").doesNotContain("\uFEFF");
  }

  @Test
  void nulTabCarriageReturnAndZeroWidthCharactersAreNamed() {
    Problem p = new Problem("hosts[0].name", "a\0\0\0b\tc\rd\u200Be\u0085", "is not a valid hostname", "use master1");

    assertThat(p.message()).isEqualTo("hosts[0].name = a[U+0000 (NUL) x3]b[U+0009 (tab)]c[U+000D (carriage return)]d"
        + "[U+200B (zero-width space)]e[U+0085 (control character)]: is not a valid hostname; use master1");
  }

  @Test
  void theSameProblemOnManyLinesIsOneLineWithTheFirstPlacesAndACount() {
    // given 50,000 hosts lines with the same unknown role
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 50_000; i++) {
      text.append("10.0.").append(i / 250).append('.').append(i % 250 + 1).append(" w").append(i).append(" wrker\n");
    }

    // when it is parsed
    InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class,
        () -> Inventory.parse(text.toString(), Inventory.Format.HOSTS_FILE));

    // then one line names the first three lines and counts the rest; the program still gets every problem
    assertThat(e.problems()).hasSize(50_000);
    assertThat(e.getMessage().lines()).hasSize(2);
    assertThat(e.getMessage()).contains(" and 49997 more: is not a role");
  }

  @Test
  void atMostFiftyLinesArePrintedWithACountOfTheRest() {
    List<Problem> many = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      many.add(new Problem("privateVip", "v" + i, "reason " + i, "fix " + i));
    }

    List<String> lines = ProblemReport.lines(many);

    assertThat(lines).hasSize(ProblemReport.MAX_LINES);
    assertThat(lines.get(49)).isEqualTo("... and 151 more problems not shown (200 in all); fix these first and run again");
  }
}
