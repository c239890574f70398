package dev.kubesmith.spec;

import dev.kubesmith.cluster.Cluster;
import org.junit.jupiter.api.Test;

class ProbeTmpTest {
  static void show(String label, Runnable r) {
    try { r.run(); System.out.println(label + ": no error"); }
    catch (InvalidSpecException e) {
      String m = e.getMessage();
      System.out.println("=== " + label + ": " + e.problems().size() + " problems, " + m.length() + " chars, " + m.lines().count() + " lines");
      System.out.println(m.length() > 3000 ? m.substring(0, 1500) + "\n...\n" + m.substring(m.length() - 1500) : m);
    }
  }
  @Test
  void probe() {
    String big = "x".repeat(1_000_000);
    show("1MB line", () -> Inventory.parse("192.168.4.31 master1 master\n" + big + "\n", Inventory.Format.HOSTS_FILE));
    String words = "a ".repeat(500_000);
    show("1MB words", () -> Inventory.parse("192.168.4.31 master1 master " + words + "\n", Inventory.Format.HOSTS_FILE));
    show("BOM", () -> Cluster.singleMaster().inventory(Inventory.parse("\uFEFF192.168.4.31 master1 master\n192.168.4.41 worker1 worker\n", Inventory.Format.HOSTS_FILE)).build());
    show("NUL", () -> Cluster.singleMaster().inventory(Inventory.parse("192.168.4.31 mas\0ter1 master\n192.168.4.41 worker1 worker\n", Inventory.Format.HOSTS_FILE)).build());
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 50_000; i++) sb.append("10.").append(i / 65536).append('.').append((i / 256) % 256).append('.').append(i % 256).append(" w").append(i).append(" worker\n");
    show("50k", () -> Cluster.singleMaster().inventory(Inventory.parse("192.168.4.31 master1 master\n" + sb, Inventory.Format.HOSTS_FILE)).build());
    StringBuilder sb2 = new StringBuilder();
    for (int i = 0; i < 50_000; i++) sb2.append("999.1.1.").append(i).append(" w").append(i).append(" worker\n");
    show("50k bad", () -> Cluster.singleMaster().inventory(Inventory.parse("192.168.4.31 master1 master\n" + sb2, Inventory.Format.HOSTS_FILE)).build());
    show("64", () -> Cluster.singleMaster().inventory(Inventory.parse("192.168.4.31 " + "m".repeat(64) + " master\n", Inventory.Format.HOSTS_FILE)).build());
  }
}
