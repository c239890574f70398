/**
 * The sandbox of simulated hosts that the SDK's end-to-end tests run against: {@link
 * dev.kubesmith.testkit.Sandbox} (network namespaces with their own sshd and files, reached through
 * a bastion), {@link dev.kubesmith.testkit.SandboxHost} (exec, files, stub calls, faults) and the
 * JUnit 5 {@link dev.kubesmith.testkit.SandboxExtension}. Implementation classes are in {@code
 * dev.kubesmith.testkit.internal} and are not API.
 */
package dev.kubesmith.testkit;
