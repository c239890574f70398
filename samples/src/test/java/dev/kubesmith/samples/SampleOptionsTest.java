package dev.kubesmith.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The samples' own option parsing. */
class SampleOptionsTest {
  @Test
  void refusesAnOptionGivenTwiceNamingItAndBothValues() {
    String[] args = {"--vip", "192.168.4.100", "--plan-only", "out", "--vip", "192.168.4.101"};

    assertThatThrownBy(() -> SampleOptions.parse(args, "clustera_hosts"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--vip is given twice (192.168.4.100 and 192.168.4.101); give it once");
  }

  @Test
  void anInventoryGivenOnceReplacesTheSamplesOwn() {
    SampleOptions options = SampleOptions.parse(new String[] {"--inventory", "my_hosts"}, "clustera_hosts");

    assertThat(options.inventory()).hasToString("my_hosts");
  }
}
