package dev.kubesmith.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a {@link Sandbox} before the tests of a class and closes it after them. Register it on a
 * static field; test methods may also take the {@code Sandbox} as a parameter.
 *
 * <pre>{@code
 * class JoinTest {
 *   @RegisterExtension
 *   static final SandboxExtension SANDBOX = SandboxExtension.of(Sandbox.builder()
 *       .host("bastion", "198.18.4.10", Role.BASTION)
 *       .host("master1", "198.18.4.31", Role.MASTER));
 *
 *   @Test
 *   void masterHasItsOwnHostname() {
 *     assertThat(SANDBOX.host("master1").exec("hostname").stdout()).isEqualTo("master1\n");
 *   }
 * }
 * }</pre>
 */
public final class SandboxExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    ParameterResolver {
  private final Sandbox sandbox;

  private SandboxExtension(Sandbox sandbox) {
    this.sandbox = sandbox;
  }

  /** An extension for the sandbox the builder describes (built now, so bad hosts fail at class load). */
  public static SandboxExtension of(Sandbox.Builder builder) {
    return new SandboxExtension(builder.build());
  }

  /** An extension for a sandbox that is built but not started. */
  public static SandboxExtension of(Sandbox sandbox) {
    return new SandboxExtension(sandbox);
  }

  /** The sandbox (started once the class's tests run). */
  public Sandbox sandbox() {
    return sandbox;
  }

  /** Shorthand for {@code sandbox().host(name)}. */
  public SandboxHost host(String name) {
    return sandbox.host(name);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    sandbox.start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!sandbox.isRunning()) {
      throw new IllegalStateException("SandboxExtension must be registered on a static field"
          + " (@RegisterExtension static final SandboxExtension ...) so it starts before all tests");
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    sandbox.close();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Sandbox.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return sandbox;
  }
}
