package dev.kubesmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.internal.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The API forwarders and the bridge go away with the API server they stand for and with the sandbox. */
class ApiServerCleanupTest {
  @Test
  void stopApiServerEndsOpenConnectionsAndCloseLeavesNoForwarderBridgeOrSocket() throws Exception {
    try (MockApi api = MockApi.start()) {
      Sandbox sandbox = Sandbox.builder().apiServer(api.address())
          .host("bastion", "198.18.4.10", Role.BASTION)
          .host("master1", "198.18.4.31", Role.MASTER)
          .host("master2", "198.18.4.32", Role.MASTER)
          .build().start();
      SandboxHost master1 = sandbox.host("master1");
      SandboxHost master2 = sandbox.host("master2");
      Path socket = sandbox.directory().resolve("hosts/master1/state/api.sock");
      // connections held open through each forwarder (socat forks one child per connection)
      for (SandboxHost m : List.of(master1, master2)) {
        m.exec("setsid", "-f", "bash", "-c", "exec 3<>/dev/tcp/" + m.privateIp() + "/6443; sleep 300").requireSuccess();
      }
      waitFor(() -> socats(master1).size() == 2 && socats(master2).size() == 2);
      List<Long> forwarders = List.copyOf(socats(master1));
      long threads = bridgeThreads(sandbox);
      boolean listening = unixSockets().contains(socket.toString());

      master2.stopApiServer();
      List<Long> afterStop = socats(master2);
      sandbox.close();
      waitFor(() -> bridgeThreads(sandbox) == 0);

      assertThat(forwarders).as("master1's forwarder and its child for the open connection").hasSize(2);
      assertThat(listening).as("the JVM listens on the host's socket").isTrue();
      assertThat(threads).as("accept loops and pipes").isGreaterThanOrEqualTo(4);
      assertThat(afterStop).as("stopApiServer ends the forwarder and the connections it carries").isEmpty();
      assertThat(forwarders).noneMatch(ApiServerCleanupTest::alive);
      assertThat(socket).doesNotExist();
      assertThat(unixSockets()).doesNotContain(socket.toString());
      assertThat(bridgeThreads(sandbox)).as("bridge threads left").isZero();
      assertThat(api.client().nodes().list().getItems()).as("the mock API outlives the sandbox").isEmpty();
    }
  }

  /** The socat processes in the host's network namespace. */
  private static List<Long> socats(SandboxHost host) {
    return Proc.run(List.of("ip", "netns", "pids", host.namespace())).stdout().lines().map(Long::parseLong)
        .filter(pid -> "socat".equals(comm(pid))).toList();
  }

  /** Alive and not a zombie (an exited process its new parent has not reaped yet). */
  private static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  private static String comm(long pid) {
    try {
      return Files.readString(Path.of("/proc", String.valueOf(pid), "comm")).strip();
    } catch (IOException e) {
      return "";
    }
  }

  /** Paths of the UNIX sockets listening in the JVM's namespace. */
  private static String unixSockets() throws IOException {
    return Files.readString(Path.of("/proc/net/unix"));
  }

  private static long bridgeThreads(Sandbox sandbox) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("kubesmith-sandbox-" + sandbox.id() + "-api-")).count();
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5_000;
    while (!condition.getAsBoolean() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
  }
}
