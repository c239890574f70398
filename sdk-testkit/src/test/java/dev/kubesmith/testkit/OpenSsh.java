package dev.kubesmith.testkit;

import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.internal.Proc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The real OpenSSH client against a sandbox, as an operator would use it: strict host keys, the sandbox key. */
final class OpenSsh {
  private OpenSsh() {}

  /** Runs a command on a host by address: directly for the bastion, jumping through it for the others. */
  static ExecResult run(Sandbox sandbox, SandboxHost host, String command, String... extraOptions) {
    List<String> argv = new ArrayList<>(List.of("ssh",
        // -F: the jump connection reads options only from a config file, never from -o/-i
        "-F", sandbox.sshConfig().toString(),
        "-o", "UserKnownHostsFile=" + sandbox.knownHosts(),
        "-o", "StrictHostKeyChecking=yes",
        "-o", "BatchMode=yes",
        "-i", sandbox.clientKey().toString()));
    if (!host.roles().contains(Role.BASTION)) {
      argv.addAll(List.of("-o", "ProxyJump=root@" + sandbox.bastionAddress()));
    }
    argv.addAll(List.of(extraOptions));
    String address = host.roles().contains(Role.BASTION) ? sandbox.bastionAddress() : host.privateIp();
    argv.addAll(List.of("root@" + address, command));
    return Proc.run(argv, Duration.ofSeconds(30), null, null);
  }
}
