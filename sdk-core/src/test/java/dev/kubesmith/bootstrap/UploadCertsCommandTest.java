package dev.kubesmith.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate-key capture under /bin/sh with a kubeadm that fails or prints no key: it must
 * fail rather than hand a log line over as the key (issue 11: `| tail -n 1` without pipefail did).
 */
class UploadCertsCommandTest {
  private static final String KEY = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  @TempDir
  Path tmp;

  record Run(int exit, String out, String err) {}

  private Run run(String kubeadmBody) throws Exception {
    Path bin = tmp.resolve("bin");
    Files.createDirectories(bin);
    Path kubeadm = Files.writeString(bin.resolve("kubeadm"), "#!/bin/sh\n" + kubeadmBody + "\n");
    Files.setPosixFilePermissions(kubeadm, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", Bootstrap.uploadCerts(Host.of("master1", "10.1.0.31", Role.MASTER)));
    pb.environment().put("PATH", bin + ":/usr/bin:/bin");
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(p.waitFor(), out, err);
  }

  @Test
  void printsOnlyTheKeyOfASuccessfulUpload() throws Exception {
    Run r = run("echo '[upload-certs] Storing the certificates in Secret \"kubeadm-certs\"'; echo '[upload-certs] Using certificate key:'; echo " + KEY);

    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(KEY + "\n");
  }

  @Test
  void aFailedUploadFailsWithKubeadmsExitStatus() throws Exception {
    Run r = run("echo '[upload-certs] Storing the certificates'; echo 'error execution phase upload-certs: boom' >&2; exit 3");

    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("boom");
  }

  @Test
  void anUploadThatPrintsNoKeyFailsNamingTheHost() throws Exception {
    Run r = run("echo '[upload-certs] Skipping phase. Please see --upload-certs'");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("master1: kubeadm init phase upload-certs printed no certificate key", "Skipping phase");
  }
}
