package dev.kubesmith.plan;

import dev.kubesmith.SeedCluster;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.cluster.Ssh;
import dev.kubesmith.component.StubComponents;
import dev.kubesmith.spec.Inventory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The SHA-256 over every file of a rendered plan (paths and bytes, in path order). Its main renders
 * the seed's HA cluster and prints the digest, so a test can compare JVMs with different hash seeds.
 *
 * <pre>{@code
 * String d = PlanDigest.of(plan.render(dir));
 * }</pre>
 */
public final class PlanDigest {
  private PlanDigest() {}

  static Cluster seedCluster(String inventoryText) {
    return Cluster.ha().name(StubComponents.DEFAULTS_CLUSTER)
        .inventory(Inventory.parse(inventoryText, Inventory.Format.HOSTS_FILE))
        .vip(SeedCluster.VIP).publicVip(SeedCluster.PUBLIC_VIP).ssh(Ssh.user("ops")).build();
  }

  static String seedInventory() throws IOException {
    return Files.readString(SeedCluster.hostsFile());
  }

  static String of(Path dir) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      md.update(dir.relativize(f).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(Files.readAllBytes(f));
      md.update((byte) 0);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Renders the seed's HA plan into args[0] and prints its digest. */
  public static void main(String[] args) throws Exception {
    Path out = seedCluster(seedInventory()).plan().render(Path.of(args[0]));
    System.out.println(of(out));
  }
}
