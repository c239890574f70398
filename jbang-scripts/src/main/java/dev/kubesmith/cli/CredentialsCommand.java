package dev.kubesmith.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kubesmith credentials}: the web UIs' basic-auth users and the passwords {@code apply}
 * generated for them, read from {@code <state dir>/credentials} (mode 0600). Prints to stdout only
 * and logs nothing.
 *
 * <pre>
 * kubesmith credentials --state-dir ~/.kubesmith/clustera
 * </pre>
 */
@Command(name = "credentials",
    description = {"Prints the basic-auth users and generated passwords of the web UIs (Grafana, Prometheus, "
        + "Alertmanager, Kibana).",
        "'apply' with --addons kube-prometheus or logging and --domain generates a password for user admin and "
            + "keeps it in <state dir>/credentials (mode 0600): the cluster holds only its bcrypt hash. Later "
            + "applies reuse it."},
    sortOptions = false,
    footer = {"%nExample:", "  kubesmith credentials --state-dir .kubesmith/clustera"})
final class CredentialsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "The state directory 'apply' used; default: ~/.kubesmith/<--cluster-name>.")
  Path stateDir;

  @Option(names = "--cluster-name", paramLabel = "NAME", description = "The cluster's name; default: kubesmith.")
  String clusterName = "kubesmith";

  @Override
  public Integer call() {
    Path state = stateDir != null ? stateDir : Path.of(System.getProperty("user.home"), ".kubesmith", clusterName);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Map<String, String> entries;
    try {
      entries = WebUiCredentials.read(state);
    } catch (UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      return KubesmithCli.UPSTREAM_OR_IO;
    }
    if (WebUiCredentials.users(entries).isEmpty()) {
      err.println("error: " + WebUiCredentials.file(state) + ": no generated passwords; 'kubesmith apply' with --addons "
          + "kube-prometheus or logging and --domain writes them there (or give --state-dir the state directory of "
          + "that apply)");
      return KubesmithCli.INVALID_INPUT;
    }
    if (WebUiCredentials.readableByOthers(state)) {
      err.println("warning: " + WebUiCredentials.file(state) + " is readable by other users; chmod 600 it");
    }
    for (String[] u : WebUiCredentials.users(entries)) {
      out.println(u[0] + ": user " + u[1] + ", password " + WebUiCredentials.password(entries, u[0], u[1]).orElseThrow()
          + WebUiCredentials.urls(entries, u[0]).map(urls -> ", at " + urls).orElse(""));
    }
    out.println("(from " + WebUiCredentials.file(state) + ")");
    return KubesmithCli.OK;
  }
}
