package dev.kubesmith.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code kubesmith} command line over the SDK. {@link #run} is the embeddable entry point: it
 * returns the exit code and never exits the JVM; {@link #main} exits with that code.
 *
 * <pre>{@code
 * int code = KubesmithCli.run(System.out, System.err,
 *     "plan", "--inventory", "clustera_hosts", "--vip", "192.168.4.100", "--out", "out");
 * // 0: out/plan.json, out/plan.md, out/hosts/<host>/..., out/cluster/*.yaml
 * }</pre>
 */
@Command(name = "kubesmith",
    description = "Builds self-managed Kubernetes clusters over SSH.",
    subcommands = {PlanCommand.class, ApplyCommand.class, BundleCommand.class, StatusCommand.class, BackupCommand.class,
        EtcdSnapshotCommand.class, CredentialsCommand.class},
    synopsisSubcommandLabel = "COMMAND",
    versionProvider = KubesmithCli.Version.class,
    footer = {"%nRun 'kubesmith COMMAND --help' for the options of a command."})
public final class KubesmithCli implements Callable<Integer> {
  /** The command did what was asked. */
  public static final int OK = 0;
  /** The input is wrong (spec problems, an unreadable inventory, an unusable output directory). */
  public static final int INVALID_INPUT = 1;
  /** The command line itself is wrong (unknown option, missing option or value). */
  public static final int USAGE = 2;
  /** An upstream manifest could not be had from the mirror, or writing the result failed. */
  public static final int UPSTREAM_OR_IO = 3;
  /** A bug: an unexpected exception, printed with its stack trace. */
  public static final int INTERNAL = 4;
  /**
   * apply: a step failed for good (or the build was cancelled); running the same command again resumes.
   * backup now: the Velero backup failed; etcd-snapshot: the snapshot failed.
   */
  public static final int BUILD_FAILED = 5;
  /** apply: another build of the same cluster holds the lock in the state directory. */
  public static final int BUILD_LOCKED = 6;
  /** status: the cluster answered, but something is wrong (a node not Ready, no VIP holder, ...). */
  public static final int NOT_HEALTHY = 7;
  /** status, backup now, etcd-snapshot: the API server or a host could not be reached over SSH. */
  public static final int UNREACHABLE = 8;

  static final String OK_TEXT = "ok (plan: the plan was written; apply: the cluster was built or already "
      + "matched the plan, admin.conf is written; status: the cluster is healthy)";
  static final String INVALID_INPUT_TEXT = "invalid input: problems in the cluster spec or the inventory, or an "
      + "unusable --out, --state-dir, --kubeconfig, --ssh-key, --key-passphrase-file or --known-hosts; every "
      + "problem is printed on stderr, one per line, and nothing is written and no host is contacted";
  static final String USAGE_TEXT = "usage error: unknown or missing option or value";
  static final String UPSTREAM_OR_IO_TEXT = "upstream/mirror or I/O failure: a pinned upstream file is missing "
      + "from the mirror or does not match its checksum, or the output (plan, journal, admin.conf) could not "
      + "be written";
  static final String INTERNAL_TEXT = "internal error (a bug; the stack trace is printed)";
  static final String BUILD_FAILED_TEXT = "apply: the build failed; stderr names the host, step, command, exit "
      + "code and the tail of its stderr; finished steps are journaled, so running the same command again resumes. "
      + "backup now: the backup ended Failed or PartiallyFailed (with Velero's reason) or did not finish in time; "
      + "etcd-snapshot: the snapshot failed on the master";
  static final String BUILD_LOCKED_TEXT = "apply: another build of this cluster holds the lock in the state "
      + "directory; nothing was run";
  static final String NOT_HEALTHY_TEXT = "status: the cluster answered but is not healthy (a node not Ready or "
      + "missing, an addon named with --addons not installed or not ready, the VIP on no or on two load "
      + "balancers, the API server certificate expiring within 30 days); each problem is printed";
  static final String UNREACHABLE_TEXT = "status: the API server or a host could not be reached (over SSH "
      + "through the bastion); what failed is printed, with what was learned from the rest. backup now, "
      + "etcd-snapshot: the API server or the master could not be reached";

  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print the version and exit.")
  boolean version;

  private KubesmithCli() {}

  /** The version the build wrote into version.properties (resource filtering of the project version). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws java.io.IOException {
      java.util.Properties p = new java.util.Properties();
      try (var in = KubesmithCli.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {"kubesmith " + p.getProperty("version", "(unknown version)")};
    }
  }

  /** Runs the command line and returns its exit code; writes only to {@code out} and {@code err}. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    PrintWriter o = new PrintWriter(out, true);
    PrintWriter e = new PrintWriter(err, true);
    try {
      return commandLine(o, e).execute(args);
    } finally {
      o.flush();
      e.flush();
    }
  }

  public static void main(String... args) {
    System.exit(run(System.out, System.err, args));
  }

  /** Every exit code with its meaning: the list of kubesmith, plan, apply and status (the others list their own). */
  static Map<String, String> exitCodes() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(String.valueOf(OK), OK_TEXT);
    codes.put(String.valueOf(INVALID_INPUT), INVALID_INPUT_TEXT);
    codes.put(String.valueOf(USAGE), USAGE_TEXT);
    codes.put(String.valueOf(UPSTREAM_OR_IO), UPSTREAM_OR_IO_TEXT);
    codes.put(String.valueOf(INTERNAL), INTERNAL_TEXT);
    codes.put(String.valueOf(BUILD_FAILED), BUILD_FAILED_TEXT);
    codes.put(String.valueOf(BUILD_LOCKED), BUILD_LOCKED_TEXT);
    codes.put(String.valueOf(NOT_HEALTHY), NOT_HEALTHY_TEXT);
    codes.put(String.valueOf(UNREACHABLE), UNREACHABLE_TEXT);
    return codes;
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new KubesmithCli());
    for (CommandLine c : java.util.List.of(cli, cli.getSubcommands().get("plan"), cli.getSubcommands().get("apply"),
        cli.getSubcommands().get("status"))) {
      c.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(exitCodes());
    }
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(KubesmithCli::usageError);
    cli.setExecutionExceptionHandler((ex, cl, parsed) -> {
      cl.getErr().println("error: internal error: " + ex);
      ex.printStackTrace(cl.getErr());
      return INTERNAL;
    });
    return cli;
  }

  private static int usageError(ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println("error: " + ex.getMessage());
    UnmatchedArgumentException.printSuggestions(ex, err);
    err.println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
    return USAGE;
  }

  /** Without a command there is nothing to do: a usage error. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing command: choose one of "
        + String.join(", ", spec.subcommands().keySet()));
  }
}
