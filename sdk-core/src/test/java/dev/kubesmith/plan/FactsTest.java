package dev.kubesmith.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.exec.StepContext;
import dev.kubesmith.ssh.Redactor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FactsTest {
  @Test
  void placeholderAndStepIdFollowTheContract() {
    assertThat(Facts.placeholder("master1", Facts.PRIVATE_INTERFACE)).isEqualTo("{{fact:master1:private-interface}}");
    assertThat(Facts.stepId("worker7")).isEqualTo("facts@worker7");
  }

  @Test
  void fillsFactsKeyedByHostAndName() {
    String text = "dev " + Facts.placeholder("lb1", Facts.PUBLIC_INTERFACE) + " and " + Facts.placeholder("lb1", Facts.PRIVATE_INTERFACE);

    String filled = Facts.fill(text, Map.of("lb1:public-interface", "eth1", "lb1:private-interface", "eth0"));

    assertThat(filled).isEqualTo("dev eth1 and eth0");
  }

  @Test
  void aMissingFactFailsNamingHostAndFact() {
    assertThatThrownBy(() -> Facts.fill("{{fact:master2:init}}", Map.of("master1:init", "systemd")))
        .hasMessageContaining("fact 'init' of host master2").hasMessageContaining("facts@master2");
  }

  @Test
  void contextFillsFactsAndSecretsWithoutRedactingFacts() {
    Redactor redactor = new Redactor();
    StepContext ctx = new StepContext(redactor);
    ctx.putFact("master1", Facts.PRIVATE_INTERFACE, "ens3");
    ctx.putSecret("join-token", "abcdef.0123456789abcdef");

    String filled = ctx.fill("nic={{fact:master1:private-interface}} token={{secret:join-token}}");

    assertThat(filled).isEqualTo("nic=ens3 token=abcdef.0123456789abcdef");
    assertThat(redactor.redact(filled)).contains("nic=ens3").doesNotContain("abcdef.0123456789abcdef");
  }

  @Test
  void rejectsMalformedNames() {
    assertThatThrownBy(() -> Facts.placeholder("master1", "Private_IF")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Facts.placeholder("mas:ter", Facts.OS_ID)).isInstanceOf(IllegalArgumentException.class);
  }
}
