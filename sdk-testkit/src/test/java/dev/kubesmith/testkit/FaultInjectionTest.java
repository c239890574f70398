package dev.kubesmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.spec.Role;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FaultInjectionTest {
  @RegisterExtension
  static final SandboxExtension SANDBOX = SandboxExtension.of(Sandbox.builder()
      .host("bastion", "198.18.4.10", Role.BASTION)
      .host("master1", "198.18.4.31", Role.MASTER)
      .host("worker1", "198.18.4.41", Role.WORKER)
      .host("worker2", "198.18.4.42", Role.WORKER)
      .host("worker3", "198.18.4.43", Role.WORKER));

  @Test
  void changedHostKeyFailsStrictHostKeyChecking() {
    SandboxHost master = SANDBOX.host("master1");
    String oldKey = master.hostKey();

    master.changeHostKey();
    ExecResult r = OpenSsh.run(SANDBOX.sandbox(), master, "true");

    assertThat(master.hostKey()).isNotEqualTo(oldKey);
    assertThat(r.exitCode()).isEqualTo(255);
    assertThat(r.stderr()).contains("REMOTE HOST IDENTIFICATION HAS CHANGED").contains("Host key verification failed");
  }

  @Test
  void droppedConnectionsTimeOutAndWorkAgainAfterTheDuration() {
    SandboxHost worker = SANDBOX.host("worker1");
    worker.dropConnections(Duration.ofSeconds(3));
    long dropped = System.nanoTime();

    ExecResult during = OpenSsh.run(SANDBOX.sandbox(), worker, "true", "-o", "ConnectTimeout=1");
    ExecResult after = retryUntilSuccess(worker, Duration.ofSeconds(10));

    assertThat(during.exitCode()).isEqualTo(255);
    assertThat(during.stderr()).containsIgnoringCase("timed out");
    assertThat(after.exitCode()).as(after.stderr()).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - dropped)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void droppedConnectionsToTheBastionTimeOutFromTheTestJvm() throws IOException {
    SANDBOX.host("bastion").dropConnections(Duration.ofSeconds(2));

    try (Socket socket = new Socket()) {
      assertThatThrownBy(() -> socket.connect(new InetSocketAddress(SANDBOX.sandbox().bastionAddress(), 22), 500))
          .isInstanceOf(SocketTimeoutException.class);
    }
    assertThat(retryUntilSuccess(SANDBOX.host("bastion"), Duration.ofSeconds(10)).exitCode()).isZero();
  }

  @Test
  void refusedConnectionsSayConnectionRefusedUntilAcceptedAgain() {
    SandboxHost worker = SANDBOX.host("worker2");

    worker.refuseConnections();
    ExecResult refused = OpenSsh.run(SANDBOX.sandbox(), worker, "true");
    worker.acceptConnections();
    ExecResult accepted = OpenSsh.run(SANDBOX.sandbox(), worker, "hostname");

    assertThat(refused.exitCode()).isEqualTo(255);
    assertThat(refused.stderr()).contains("Connection refused");
    assertThat(accepted.stdout()).isEqualTo("worker2\n");
  }

  @Test
  void failNextRejectsCommandsThatAreNotStubbed() {
    assertThatThrownBy(() -> SANDBOX.host("worker3").failNext("iptables", 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'iptables' is not a stubbed command");
  }

  private static ExecResult retryUntilSuccess(SandboxHost host, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    ExecResult r;
    do {
      r = OpenSsh.run(SANDBOX.sandbox(), host, "true", "-o", "ConnectTimeout=1");
    } while (r.exitCode() != 0 && System.nanoTime() < deadline);
    return r;
  }
}
