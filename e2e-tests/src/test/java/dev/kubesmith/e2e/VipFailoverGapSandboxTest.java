package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.testkit.SandboxHost;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: every keepalived and haproxy process of the VIP holder is SIGKILLed while its kernel
 * stays up. The dead holder must lose both VIPs by itself, the other load balancer must take them,
 * and a client on the bastion (where the SDK's own API forward starts) must be served again. The
 * longest gap between two answered requests is printed; docs/BENCHMARKS.md keeps the numbers.
 */
class VipFailoverGapSandboxTest {
  /** The issue saw minutes; the design bound is takeover (~3.5 s) plus the lease (5 s) plus a GARP refresh (2 s). */
  private static final Duration LONGEST_ACCEPTABLE_GAP = Duration.ofSeconds(15);
  static HardenedHaSandbox hosts;

  @BeforeAll
  static void build() throws Exception {
    hosts = HardenedHaSandbox.build();
  }

  @AfterAll
  static void close() {
    if (hosts != null) {
      hosts.close();
    }
  }

  @Test
  void killingEveryKeepalivedAndHaproxyOnTheHolderLosesItsVipsAndTheBastionIsServedAgainSoon() throws Exception {
    SandboxHost before = holder();
    SandboxHost other = hosts.host(before.name().equals("lb1") ? "lb2" : "lb1");
    SandboxHost bastion = hosts.host("bastion");
    HaSandbox.within(Duration.ofSeconds(10), () -> answers(bastion));

    long[] lastOk = {System.nanoTime()};
    long[] longest = {0};
    AtomicBoolean polling = new AtomicBoolean(true);
    Thread poller = new Thread(() -> {
      while (polling.get()) {
        if (answers(bastion)) {
          long now = System.nanoTime();
          synchronized (longest) {
            longest[0] = Math.max(longest[0], now - lastOk[0]);
            lastOk[0] = now;
          }
        }
      }
    }, "vip-poller");
    poller.start();
    try {
      long t0 = System.nanoTime();
      int killed = HardenedHaSandbox.killAll(before, Set.of("keepalived", "haproxy"));

      double lost = HaSandbox.within(Duration.ofSeconds(20),
          () -> !HardenedHaSandbox.holds(before, HardenedHaSandbox.VIP) && !HardenedHaSandbox.holds(before, HardenedHaSandbox.PUBLIC_VIP));
      HaSandbox.within(Duration.ofSeconds(20),
          () -> HardenedHaSandbox.holds(other, HardenedHaSandbox.VIP) && HardenedHaSandbox.holds(other, HardenedHaSandbox.PUBLIC_VIP));
      double taken = (System.nanoTime() - t0) / 1e9;
      // served again, and steadily: 20 s of polling after the kill so a client sent back to the dead MAC would show
      HaSandbox.within(Duration.ofSeconds(30), () -> System.nanoTime() - t0 > Duration.ofSeconds(20).toNanos());
      polling.set(false);
      poller.join(5000);
      double gap;
      synchronized (longest) {
        longest[0] = Math.max(longest[0], System.nanoTime() - lastOk[0] > Duration.ofSeconds(2).toNanos()
            ? System.nanoTime() - lastOk[0] : 0);
        gap = longest[0] / 1e9;
      }
      System.out.printf(Locale.ROOT, "e2e VIP failover gap: %d processes killed on %s; it lost the VIPs after %.2f s,"
          + " %s held both after %.2f s; longest gap between answered requests from the bastion: %.2f s%n",
          killed, before.name(), lost, other.name(), taken, gap);
      assertThat(gap).as("longest gap in seconds").isLessThan(LONGEST_ACCEPTABLE_GAP.toSeconds());
      assertThat(answers(bastion)).as("served through the VIP at the end").isTrue();
    } finally {
      polling.set(false);
      poller.join(5000);
    }
  }

  private static SandboxHost holder() {
    HaSandbox.within(Duration.ofSeconds(20), () -> hosts.sandbox.hosts().stream()
        .filter(h -> h.name().startsWith("lb")).filter(h -> HardenedHaSandbox.holds(h, HardenedHaSandbox.VIP)).count() == 1);
    return hosts.sandbox.hosts().stream().filter(h -> h.name().startsWith("lb"))
        .filter(h -> HardenedHaSandbox.holds(h, HardenedHaSandbox.VIP)).findFirst().orElseThrow();
  }

  /** One API request from the bastion through the private VIP, given half a second. */
  private static boolean answers(SandboxHost bastion) {
    return "ok".equals(bastion.exec("curl", "-sk", "--max-time", "0.5",
        "https://" + HardenedHaSandbox.VIP + ":6443/healthz").stdout());
  }
}
