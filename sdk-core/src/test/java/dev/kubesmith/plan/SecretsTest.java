package dev.kubesmith.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsTest {

  @Test
  void writesAPlaceholderForASecretName() {
    assertThat(Secrets.placeholder("join-token")).isEqualTo("{{secret:join-token}}");
  }

  @Test
  void refusesSecretNamesThatCouldNotBeFoundAgain() {
    assertThatThrownBy(() -> Secrets.placeholder("Join_Token"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Join_Token");
    assertThatThrownBy(() -> Secrets.placeholder("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void findsTheSecretsATextRefersTo() {
    String text = "token: {{secret:join-token}}\nhash: {{secret:ca-cert-hash}}\nagain: {{secret:join-token}}\n"
        + "not one: {{secret:Upper}} {{ secret:spaced }} {secret:single}";

    assertThat(Secrets.referencedIn(text)).containsExactly("ca-cert-hash", "join-token");
    assertThat(Secrets.referencedIn("no secrets here")).isEmpty();
  }

  @Test
  void fillsEveryPlaceholderWithItsValue() {
    String text = "kubeadm join --token {{secret:join-token}} --discovery-token-ca-cert-hash {{secret:ca-cert-hash}}";

    String filled = Secrets.fill(text, Map.of("join-token", "abcdef.0123456789abcdef", "ca-cert-hash", "sha256:$1\\x"));

    assertThat(filled).isEqualTo("kubeadm join --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:$1\\x");
  }

  @Test
  void leavesTextWithoutPlaceholdersAsItIs() {
    assertThat(Secrets.fill("echo {{ not a secret }}", Map.of())).isEqualTo("echo {{ not a secret }}");
  }

  @Test
  void namesAMissingSecretWithoutPrintingTheOthersValues() {
    String text = "{{secret:join-token}} {{secret:certificate-key}}";

    assertThatThrownBy(() -> Secrets.fill(text, Map.of("join-token", "abcdef.0123456789abcdef")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("certificate-key")
        .hasMessageNotContaining("abcdef.0123456789abcdef");
  }
}
