package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's API client keeps the bearer token out of the log even with fabric8's wire logger at TRACE. */
class ApiAccessWireLogTest {
  private static final String WIRE_LOGGER = "io.fabric8.kubernetes.client.http.HttpLoggingInterceptor";

  @Test
  void bearerTokenNeverReachesTheLogWithTheWireLoggerAtTrace(@TempDir Path dir) throws Exception {
    // given a JVM whose slf4j-simple has the wire logger and everything else at TRACE
    Path output = dir.resolve("probe.log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace",
        "-Dorg.slf4j.simpleLogger.log." + WIRE_LOGGER + "=trace",
        ApiAccessWireLogProbe.class.getName())
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();

    // when it makes one API call through ApiAccess
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("probe finished").isTrue();
    String log = Files.readString(output, StandardCharsets.UTF_8);

    // then the call worked, fabric8 logged at TRACE, and the token is nowhere in it
    assertThat(p.exitValue()).as(log).isZero();
    assertThat(log).contains("namespaces: 0").contains("TRACE");
    assertThat(log).doesNotContain(ApiAccessWireLogProbe.TOKEN).doesNotContain("Authorization");
  }
}
