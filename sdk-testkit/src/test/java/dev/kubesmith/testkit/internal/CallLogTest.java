package dev.kubesmith.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.testkit.Call;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallLogTest {
  @Test
  void readsEscapedArgumentsAndMicrosecondTimes(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("calls.log");
    Files.writeString(log, "1700000000.123456\tmaster1\t0\tapt-get\tinstall\tkubeadm=1.34.2-*\n"
        + "1700000001,000001\tmaster1\t100\tgpg\ttab\\there\tline\\nbreak\tback\\\\slash\n"
        + "1700000002.0\tmaster1");

    List<Call> calls = CallLog.read(log);

    assertThat(calls).hasSize(2);
    assertThat(calls.get(0).time()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 123_456_000));
    assertThat(calls.get(0).argv()).containsExactly("apt-get", "install", "kubeadm=1.34.2-*");
    assertThat(calls.get(1).exitCode()).isEqualTo(100);
    assertThat(calls.get(1).args()).containsExactly("tab\there", "line\nbreak", "back\\slash");
  }

  @Test
  void noFileMeansNoCalls(@TempDir Path dir) {
    assertThat(CallLog.read(dir.resolve("missing"))).isEmpty();
  }
}
