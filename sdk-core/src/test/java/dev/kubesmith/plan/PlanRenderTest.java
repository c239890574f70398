package dev.kubesmith.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.SeedCluster;
import dev.kubesmith.bootstrap.Bootstrap;
import dev.kubesmith.bootstrap.HostPreparation;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.cluster.Ssh;
import dev.kubesmith.component.StubComponents;
import dev.kubesmith.spec.Inventory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class PlanRenderTest {
  private static final String PASSPHRASE = "correct-horse-battery-staple";
  private static final Set<String> SECRET_NAMES = Set.of(
      "join-token", "ca-cert-hash", "certificate-key", Bootstrap.ADMIN_KUBECONFIG);

  @TempDir
  Path tmp;

  private static Cluster cluster(int workers) {
    return Cluster.ha().name(StubComponents.DEFAULTS_CLUSTER).inventory(Inventory.load(SeedCluster.hostsFile()))
        .vip(SeedCluster.VIP).publicVip(SeedCluster.PUBLIC_VIP).workers(workers)
        .ssh(Ssh.user("ops").passphrase(PASSPHRASE.toCharArray()))
        .build();
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> jsonSteps(Path dir) throws IOException {
    Map<String, Object> root = JsonMapper.shared().readValue(Files.readString(dir.resolve("plan.json")), Map.class);
    return (List<Map<String, Object>>) root.get("steps");
  }

  @Test
  void writesPlanJsonWithEveryStep() throws Exception {
    Plan plan = cluster(3).plan();

    Path out = plan.render(tmp.resolve("out"));

    Map<?, ?> root = JsonMapper.shared().readValue(Files.readString(out.resolve("plan.json")), Map.class);
    assertThat(root.get("cluster")).isEqualTo(StubComponents.DEFAULTS_CLUSTER);
    assertThat(root.get("topology")).isEqualTo("HA");
    List<Map<String, Object>> steps = jsonSteps(out);
    assertThat(steps).extracting(s -> s.get("id")).containsExactlyElementsOf(plan.steps().stream().map(Step::id).toList());
    Map<String, Object> join = steps.stream().filter(s -> s.get("id").equals("join-worker@worker1")).findFirst().orElseThrow();
    assertThat(join).containsEntry("phase", "JOIN_WORKERS").containsEntry("host", "worker1")
        .containsKey("commands");
    assertThat((List<Object>) join.get("commands")).singleElement().asString()
        .contains("kubeadm join --config " + Bootstrap.KUBEADM_JOIN, "trap 'rm -f " + Bootstrap.KUBEADM_JOIN + "' EXIT");
    assertThat((List<Object>) join.get("dependsOn"))
        .containsExactlyInAnyOrder("prepare@worker1", "join-credentials@master1", "stub-cni");
    assertThat((List<Object>) join.get("files"))
        .containsExactly(Map.of("path", Bootstrap.KUBEADM_JOIN, "mode", "0600", "owner", "root:root"));
    Map<String, Object> cni = steps.stream().filter(s -> s.get("id").equals("stub-cni")).findFirst().orElseThrow();
    assertThat(cni).containsEntry("host", null).containsEntry("manifests", List.of("cluster/stub-cni.yaml"));
    Map<String, Object> credentials = steps.stream().filter(s -> s.get("id").equals("join-credentials@master1"))
        .findFirst().orElseThrow();
    assertThat((List<Object>) credentials.get("captures")).containsExactlyInAnyOrderElementsOf(SECRET_NAMES);
  }

  @Test
  void writesEveryHostFileUnderItsHostAndAbsolutePath() throws Exception {
    Plan plan = cluster(3).plan();

    Path out = plan.render(tmp.resolve("out"));

    for (Step s : plan.steps()) {
      for (FileArtifact f : s.files()) {
        Path p = out.resolve("hosts").resolve(s.host().orElseThrow()).resolve(f.path().substring(1));
        assertThat(p).as("%s of %s", f.path(), s.id()).hasContent(f.content());
      }
    }
    assertThat(out.resolve("hosts/master1/etc/kubernetes/kubeadm-config.yaml")).content()
        .contains("controlPlaneEndpoint: 192.168.4.130:6443");
    assertThat(out.resolve("hosts/lb1/etc/stub-lb/backends")).content().contains("master3 192.168.4.33:6443");
    assertThat(out.resolve("hosts/bastion" + HostPreparation.SCRIPT)).exists();
  }

  @Test
  void writesEveryManifestAndTheMarkdown() throws Exception {
    Plan plan = cluster(3).plan();

    Path out = plan.render(tmp.resolve("out"));

    assertThat(out.resolve("cluster/stub-cni.yaml")).content().contains("podCidr: 10.0.0.0/16");
    assertThat(out.resolve("cluster/node-labels.yaml")).content().contains("name: worker3");
    assertThat(out.resolve("plan.md")).content()
        .startsWith("# Plan for cluster `" + StubComponents.DEFAULTS_CLUSTER + "`")
        .contains("- private VIP: 192.168.4.130", "- public VIP: 203.0.113.130", "#### `kubeadm-init@master1` on `master1`",
            "#### `stub-cni` on the Kubernetes API", "- captures secret `join-token`", "- applies `cluster/stub-cni.yaml`")
        .isEqualTo(plan.toMarkdown());
    assertThat(out.resolve("plan.json")).content().isEqualTo(plan.toJson());
  }

  @Test
  void replacesAnEarlierPlan() throws Exception {
    Path out = tmp.resolve("out");
    cluster(3).plan().render(out);

    Plan smaller = cluster(1).plan();
    smaller.render(out);

    assertThat(out.resolve("hosts/worker3")).doesNotExist();
    assertThat(out.resolve("hosts/worker1")).isDirectory();
    assertThat(jsonSteps(out)).extracting(s -> s.get("id")).doesNotContain("join-worker@worker3", "join-worker@worker2");
    assertThat(names(tmp)).as("no staging left behind")
        .containsExactly("out");
  }

  @Test
  void refusesANonEmptyDirectoryWithoutAPlanAndLeavesItUntouched() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("home"));
    Files.writeString(out.resolve("notes.txt"), "mine");

    assertThatThrownBy(() -> cluster(3).plan().render(out))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("is not empty and holds no plan kubesmith wrote");

    assertThat(files(out)).containsExactly(out.resolve("notes.txt"));
    assertThat(out.resolve("notes.txt")).hasContent("mine");
    assertThat(names(tmp)).containsExactly("home");
  }

  @Test
  void refusesATerraformDirectoryHoldingAPlanJsonAndKeepsEveryFile() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("infra"));
    Files.writeString(out.resolve("plan.json"), "{\"format_version\":\"1.2\"}");
    Files.writeString(out.resolve("main.tf"), "resource \"null_resource\" \"x\" {}");
    Files.writeString(out.resolve("terraform.tfstate"), "{\"version\":4}");

    assertThatThrownBy(() -> cluster(3).plan().render(out))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(PlanMarker.NAME + " is missing")
        .hasMessageContaining("its plan.json is not one kubesmith wrote");

    assertThat(names(out)).containsExactly("main.tf", "plan.json", "terraform.tfstate");
    assertThat(out.resolve("terraform.tfstate")).hasContent("{\"version\":4}");
  }

  @Test
  void refusesToReplaceAPlanHoldingAUserFileAndNamesIt() throws Exception {
    Path out = tmp.resolve("out");
    cluster(3).plan().render(out);
    Path mine = out.resolve("hosts/master1/notes.txt");
    Files.writeString(mine, "my notes");
    List<Path> before = files(out);

    assertThatThrownBy(() -> cluster(1).plan().render(out))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(mine + " was not written by kubesmith")
        .hasMessageContaining("move hosts/master1/notes.txt out of " + out);

    assertThat(mine).hasContent("my notes");
    assertThat(files(out)).isEqualTo(before);
    assertThat(names(tmp)).as("no staging left behind").containsExactly("out");
  }

  @Test
  void checksARenderTargetWithoutWriting() throws Exception {
    Path out = tmp.resolve("out");
    cluster(3).plan().render(out);
    Plan.requireRenderable(out);
    Files.writeString(out.resolve("main.tf"), "x");

    assertThatThrownBy(() -> Plan.requireRenderable(out)).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(out.resolve("main.tf") + " was not written by kubesmith");
  }

  @Test
  void refusesToReplaceAPlanWhoseFileWasEdited() throws Exception {
    Path out = tmp.resolve("out");
    cluster(3).plan().render(out);
    Files.writeString(out.resolve("plan.md"), "edited by hand");

    assertThatThrownBy(() -> cluster(3).plan().render(out))
        .hasMessageContaining(out.resolve("plan.md") + " changed since kubesmith wrote it");

    assertThat(out.resolve("plan.md")).hasContent("edited by hand");
  }

  @Test
  void refusesToReplaceAPlanHoldingAnEmptyDirectoryOfTheUser() throws Exception {
    Path out = tmp.resolve("out");
    cluster(3).plan().render(out);
    Files.createDirectories(out.resolve("backups"));

    assertThatThrownBy(() -> cluster(3).plan().render(out))
        .hasMessageContaining(out.resolve("backups") + " is a directory kubesmith did not create");

    assertThat(out.resolve("backups")).isDirectory();
  }

  @Test
  void listsEveryWrittenFileWithItsHashInTheMarker() throws Exception {
    Path out = cluster(3).plan().render(tmp.resolve("out"));

    List<String> lines = Files.readAllLines(out.resolve(PlanMarker.NAME));

    List<String> expected = new java.util.ArrayList<>();
    for (Path f : files(out)) {
      if (!f.getFileName().toString().equals(PlanMarker.NAME)) {
        expected.add(PlanMarker.sha256(Files.readAllBytes(f)) + "  " + out.relativize(f).toString().replace('\\', '/'));
      }
    }
    assertThat(lines).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void rendersIntoAnEmptyDirectory() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("empty"));

    cluster(3).plan().render(out);

    assertThat(out.resolve("plan.json")).isRegularFile();
  }

  @Test
  void refusesToReplaceARegularFileWithThePlan() throws Exception {
    // Only "a directory holding an earlier plan is replaced"; a file of the user's is not a plan.
    Path out = Files.writeString(tmp.resolve("plan-notes"), "mine");

    assertThatThrownBy(() -> cluster(3).plan().render(out)).isInstanceOf(UncheckedIOException.class);

    assertThat(out).isRegularFile().hasContent("mine");
  }

  @Test
  void rendersNoSecretValueOnlyPlaceholders() throws Exception {
    Plan plan = cluster(3).plan();
    Pattern placeholder = Pattern.compile("\\{\\{secret:([^}]*)}}");
    Pattern kubeadmToken = Pattern.compile("\\b[a-z0-9]{6}\\.[a-z0-9]{16}\\b");
    Pattern certHash = Pattern.compile("sha256:[0-9a-f]{64}");

    Path out = plan.render(tmp.resolve("out"));

    List<Path> rendered = files(out);
    assertThat(rendered).hasSizeGreaterThan(20);
    for (Path f : rendered) {
      String text = Files.readString(f);
      assertThat(text).as(f.toString()).doesNotContain(PASSPHRASE).doesNotContain("BEGIN OPENSSH PRIVATE KEY")
          .doesNotContainPattern(kubeadmToken).doesNotContainPattern(certHash);
      placeholder.matcher(text).results().forEach(m ->
          assertThat(SECRET_NAMES).as("secret named in %s", f).contains(m.group(1)));
    }
    assertThat(out.resolve("hosts/worker1" + Bootstrap.KUBEADM_JOIN)).content()
        .contains("{{secret:join-token}}", "{{secret:ca-cert-hash}}");
    assertThat(out.resolve("hosts/master2" + Bootstrap.KUBEADM_JOIN)).content().contains("{{secret:certificate-key}}");
  }

  /** Issue 11 (plans linear in the host count): a text every host gets alike is written once. */
  @Test
  void writesAContentManyHostsShareOnceAndLinksTheOtherCopiesToIt() throws Exception {
    String shared = "add kubesmith-hosts 198.18.4.0/24\n".repeat(100);
    Plan plan = new PlanBuilder()
        .add(Step.builder().id("a@master1").phase(Phase.FIREWALL).host("master1").description("a")
            .addFiles(FileArtifact.of("/etc/set", shared)).build())
        .add(Step.builder().id("a@master2").phase(Phase.FIREWALL).host("master2").description("a")
            .addFiles(FileArtifact.of("/etc/set", shared), FileArtifact.of("/etc/own", "master2")).build())
        .build(SeedCluster.ha());

    Path out = plan.render(tmp.resolve("out"));

    Object m1 = Files.readAttributes(out.resolve("hosts/master1/etc/set"), java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    Object m2 = Files.readAttributes(out.resolve("hosts/master2/etc/set"), java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    assertThat(m2).as("one file on disk").isEqualTo(m1);
    assertThat(out.resolve("hosts/master2/etc/set")).hasContent(shared);
    assertThat(Files.readAllLines(out.resolve(PlanMarker.NAME)))
        .contains(PlanMarker.sha256(shared.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "  hosts/master1/etc/set",
            PlanMarker.sha256(shared.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "  hosts/master2/etc/set");
    // the marker still proves the plan is ours: it is replaced, and refused once a linked copy was edited
    plan.render(out);
    Files.writeString(out.resolve("hosts/master2/etc/set"), "edited");
    assertThatThrownBy(() -> plan.render(out)).isInstanceOf(UncheckedIOException.class).hasMessageContaining("changed since");
  }

  @Test
  void aDiskThatFillsUpWhileTheHostsAreWrittenLeavesNoHalfPlanAndNoStagingFiles() throws Exception {
    // given: 400 hosts with a 4 KiB file of their own each, on a 1 MiB disk: the hosts' trees, written
    // by several threads, do not fit
    PlanBuilder builder = new PlanBuilder();
    for (int i = 0; i < 400; i++) {
      builder.add(Step.builder().id("own@h" + i).phase(Phase.PREPARE_HOSTS).host("h" + i).description("own")
          .addFiles(FileArtifact.of("/etc/kubesmith/own", String.valueOf(i).repeat(4096 / String.valueOf(i).length())))
          .build());
    }
    Plan plan = builder.build(SeedCluster.ha());
    try (dev.kubesmith.SmallDisk disk = dev.kubesmith.SmallDisk.mount(tmp, "1m")) {
      Path target = disk.dir().resolve("plan");

      assertThatThrownBy(() -> plan.render(target)).isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining(target.toString()).hasStackTraceContaining("No space left");

      // then: no plan, and no staging directory with half of one: the disk is empty again
      assertThat(target).doesNotExist();
      assertThat(names(disk.dir())).isEmpty();
      try (Stream<Path> s = Files.walk(disk.dir())) {
        assertThat(s.filter(Files::isRegularFile).toList()).isEmpty();
      }
    }
  }

  @Test
  void refusesAClusterStepThatWritesHostFiles() {
    Plan plan = new PlanBuilder().add(Step.builder().id("api").phase(Phase.ADDONS).description("api")
        .addFiles(FileArtifact.of("/etc/x", "x")).build()).build(SeedCluster.ha());

    assertThatThrownBy(() -> plan.render(tmp.resolve("out")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("cluster step api cannot write host files");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void refusesTwoManifestsWithOneName() {
    Plan plan = new PlanBuilder()
        .add(Step.builder().id("a").phase(Phase.ADDONS).description("a").addManifests(Manifest.of("m", "x: 1")).build())
        .add(Step.builder().id("b").phase(Phase.ADDONS).description("b").addManifests(Manifest.of("m", "x: 2")).build())
        .build(SeedCluster.ha());

    assertThatThrownBy(() -> plan.render(tmp.resolve("out")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("two manifests are named m");
  }
}
