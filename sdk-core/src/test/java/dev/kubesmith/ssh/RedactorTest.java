package dev.kubesmith.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactorTest {
  @Test
  void hidesRegisteredSecrets() {
    Redactor r = new Redactor();
    r.add("correct horse battery");
    assertThat(r.redact("pass=correct horse battery;")).isEqualTo("pass=***;");
  }

  @Test
  void hidesBootstrapTokensAndCertificateKeysNobodyRegistered() {
    Redactor r = new Redactor();
    String init = "kubeadm join 10.0.0.1:6443 --token 8952f6.e7d0bbf25932eaf0 \\\n"
        + "  --certificate-key 2f1b6e8c1d0a9b7c6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d";

    assertThat(r.redact(init)).isEqualTo("kubeadm join 10.0.0.1:6443 --token *** \\\n  --certificate-key ***");
  }

  @Test
  void leavesOrdinaryTextAlone() {
    assertThat(new Redactor().redact("kubeadm-init@master1 exited 1: abc.def short")).isEqualTo(
        "kubeadm-init@master1 exited 1: abc.def short");
  }
}
