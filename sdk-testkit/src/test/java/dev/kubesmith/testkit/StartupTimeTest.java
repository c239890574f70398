package dev.kubesmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.spec.Role;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Startup and close times are logged for the record, never asserted: machines differ. */
class StartupTimeTest {
  private static final Logger LOG = LoggerFactory.getLogger(StartupTimeTest.class);

  @ParameterizedTest(name = "{0} hosts")
  @ValueSource(ints = {8, 30})
  void startsEveryHostWithItsOwnSshd(int count) {
    Sandbox.Builder builder = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION);
    for (int i = 1; i < count; i++) {
      builder.host("node" + i, "198.18.4." + (100 + i), Role.WORKER);
    }
    Sandbox sandbox = builder.build();

    long t0 = System.nanoTime();
    sandbox.start();
    long started = System.nanoTime();
    try {
      ExecResult last = OpenSsh.run(sandbox, sandbox.host("node" + (count - 1)), "hostname");
      assertThat(last.stdout()).isEqualTo("node" + (count - 1) + "\n");
      assertThat(sandbox.hosts()).allSatisfy(h -> assertThat(h.exec("hostname").stdout()).isEqualTo(h.name() + "\n"));
    } finally {
      long t1 = System.nanoTime();
      sandbox.close();
      LOG.info("sandbox of {} hosts: start {} ms, close {} ms", count, (started - t0) / 1_000_000,
          (System.nanoTime() - t1) / 1_000_000);
    }
  }
}
