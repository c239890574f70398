package dev.kubesmith.network.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.network.testing.HostFacts;
import dev.kubesmith.network.testing.HostTool;
import dev.kubesmith.plan.FileArtifact;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared shell commands, run by /bin/sh against files and stub tools in a temporary directory. */
class HostCommandsTest {
  @TempDir
  Path dir;

  @Test
  void filesMatchOnlyWhileEveryFileHoldsItsRenderedContent() throws IOException {
    Path a = dir.resolve("a.cfg");
    Path b = dir.resolve("b.cfg");
    List<FileArtifact> files = List.of(FileArtifact.of(a.toString(), "one\n"), FileArtifact.of(b.toString(), "two\n"));
    String check = HostCommands.filesMatch(files);

    assertThat(sh(check, "/usr/bin:/bin").ok()).as("files missing").isFalse();
    Files.writeString(a, "one\n");
    Files.writeString(b, "two\n");
    assertThat(sh(check, "/usr/bin:/bin").ok()).as("files as rendered").isTrue();
    Files.writeString(b, "two, edited\n");
    assertThat(sh(check, "/usr/bin:/bin").ok()).as("one file edited").isFalse();
  }

  @Test
  void filesMatchComparesAFileNamingFactsWithItsTextAsFilledForTheHost() throws IOException {
    Path rules = dir.resolve("rules.v4");
    Path plain = dir.resolve("plain.cfg");
    String text = "-A X -i {{fact:lb1:private-interface}} -m comment --comment \"it's $HOME\" -j ACCEPT\n";
    List<FileArtifact> files = List.of(FileArtifact.of(plain.toString(), "plain\n"), FileArtifact.of(rules.toString(), text));
    String check = HostFacts.fill(HostCommands.filesMatch(files));
    Files.writeString(plain, "plain\n");

    Files.writeString(rules, text);
    assertThat(sh(check, "/usr/bin:/bin").ok()).as("the unfilled text").isFalse();
    Files.writeString(rules, HostFacts.fill(text));
    assertThat(sh(check, "/usr/bin:/bin").ok()).as("the text as filled for the host").isTrue();
    Files.writeString(rules, HostFacts.fill(text).replace("ens3", "ens4"));
    assertThat(sh(check, "/usr/bin:/bin").ok()).as("another interface").isFalse();
  }

  @Test
  void installsNothingWhenEveryCommandIsThere() throws IOException {
    Path stubs = stubs("apt-get", "haproxy", "keepalived");

    HostTool.Result r = sh(HostCommands.installPackages("haproxy", "keepalived"), stubs.toString());

    assertThat(r.ok()).as(r.describe()).isTrue();
    assertThat(calls()).isEmpty();
  }

  @Test
  void installsWithAptGetWhenACommandIsMissing() throws IOException {
    Path stubs = stubs("apt-get", "dnf", "haproxy");

    HostTool.Result r = sh(HostCommands.installPackages("haproxy", "keepalived"), stubs.toString());

    assertThat(r.ok()).as(r.describe()).isTrue();
    assertThat(calls()).containsExactly("apt-get -q update",
        "apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confdef"
            + " -o Dpkg::Options::=--force-confold haproxy keepalived");
  }

  @Test
  void installsWithDnfWhereThereIsNoAptGet() throws IOException {
    Path stubs = stubs("dnf");

    HostTool.Result r = sh(HostCommands.installPackages("haproxy", "keepalived"), stubs.toString());

    assertThat(r.ok()).as(r.describe()).isTrue();
    assertThat(calls()).containsExactly("dnf install -y -q haproxy keepalived");
  }

  @Test
  void failsSayingWhatToInstallWithoutAPackageManager() throws IOException {
    Path stubs = stubs();

    HostTool.Result r = sh(HostCommands.installPackages("haproxy", "keepalived"), stubs.toString());

    assertThat(r.ok()).isFalse();
    assertThat(r.output()).contains("neither apt-get nor dnf", "haproxy keepalived");
  }

  private HostTool.Result sh(String command, String path) {
    return HostTool.run("/usr/bin/env", "-i", "PATH=" + path, "/bin/sh", "-c", command);
  }

  /** A directory of tools that only record how they were called. */
  private Path stubs(String... tools) throws IOException {
    Path stubs = Files.createDirectories(dir.resolve("stubs"));
    for (String tool : tools) {
      Path stub = stubs.resolve(tool);
      Files.writeString(stub, "#!/bin/sh\necho \"" + tool + " $*\" >>\"" + dir.resolve("calls.log") + "\"\n");
      Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return stubs;
  }

  private List<String> calls() throws IOException {
    Path log = dir.resolve("calls.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }
}
