package dev.kubesmith.e2e;

import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.Sandbox;

/** The HA sandbox the end-to-end builds share: bastion, two load balancers, three masters, three workers. */
final class HaSandbox {
  static final String VIP = "198.18.4.100";
  static final String PUBLIC_VIP = "198.18.100.100";

  private HaSandbox() {}

  /** The hosts, with {@code api} behind every master's :6443; add hosts before {@code build()}. */
  static Sandbox.Builder builder(MockApi api) {
    return Sandbox.builder()
        .host("bastion", "198.18.4.10", Role.BASTION)
        .host("lb1", "198.18.4.21", "198.18.100.21", Role.LB).host("lb2", "198.18.4.22", "198.18.100.22", Role.LB)
        .host("master1", "198.18.4.31", Role.MASTER).host("master2", "198.18.4.32", Role.MASTER)
        .host("master3", "198.18.4.33", Role.MASTER)
        .host("worker1", "198.18.4.41", Role.WORKER).host("worker2", "198.18.4.42", Role.WORKER)
        .host("worker3", "198.18.4.43", Role.WORKER)
        .apiServer(api.address());
  }

  /** Polls every 50 ms until the condition holds; returns the seconds it took, or fails after the timeout. */
  static double within(java.time.Duration timeout, java.util.function.BooleanSupplier condition) {
    long t0 = System.nanoTime();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - t0 > timeout.toNanos()) {
        throw new AssertionError("condition not met within " + timeout.toSeconds() + " s");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }
}
