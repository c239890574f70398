package dev.kubesmith.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kubesmith backup}: the Velero backups of a cluster built with {@code --backup velero}; for
 * now one subcommand, {@code now}.
 *
 * <pre>
 * kubesmith backup now --inventory clustera_hosts --ssh-key ~/.ssh/id_ed25519 --include-namespaces test
 * </pre>
 */
@Command(name = "backup",
    description = {"Velero backups of a cluster built with --backup velero."},
    subcommands = {BackupNowCommand.class},
    synopsisSubcommandLabel = "COMMAND",
    footer = {"%nRun 'kubesmith backup COMMAND --help' for the options of a command."})
final class BackupCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  /** Without a subcommand there is nothing to do: a usage error. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing command: choose one of "
        + String.join(", ", spec.subcommands().keySet()) + " (e.g. kubesmith backup now --help)");
  }
}
