package dev.kubesmith.testkit.internal.kubeadm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The checks of ValidateJoinConfiguration (cmd/kubeadm/app/apis/kubeadm/validation/validation.go)
 * that a configuration file can fail once kubeadm's defaults are applied: ValidateDiscovery,
 * ValidateDiscoveryBootstrapToken, ValidateToken, ValidateDiscoveryTokenAPIServer,
 * ValidateDiscoveryKubeConfigPath and the caCertPath check, with their field.Error texts. The node
 * name (defaulted to the host name) and the CRI socket are not checked here.
 */
final class JoinValidation {
  private static final Pattern TOKEN = Pattern.compile("^([a-z0-9]{6})\\.([a-z0-9]{16})$");
  private static final String DEFAULT_CA_CERT_PATH = "/etc/kubernetes/pki/ca.crt";

  private JoinValidation() {}

  /** The field errors of a decoded JoinConfiguration, in kubeadm's order. */
  static List<String> errors(Json join) {
    List<String> errs = new ArrayList<>();
    Json discovery = join.at("discovery").orElse(new Json.Null());
    Json token = discovery.at("bootstrapToken").filter(j -> !(j instanceof Json.Null)).orElse(null);
    Json file = discovery.at("file").filter(j -> !(j instanceof Json.Null)).orElse(null);
    // SetDefaults_Discovery: the TLS bootstrap token defaults to the discovery token
    String tlsToken = discovery.text("tlsBootstrapToken");
    if (tlsToken.isEmpty() && token != null) {
      tlsToken = token.text("token");
    }
    if (token == null && file == null) {
      errs.add(invalid("discovery", "", "bootstrapToken or file must be set"));
    }
    if (token != null && file != null) {
      errs.add(invalid("discovery", "", "bootstrapToken and file cannot both be set"));
    }
    if (token != null) {
      String endpoint = token.text("apiServerEndpoint");
      if (endpoint.isEmpty()) {
        errs.add("discovery.bootstrapToken: Required value: APIServerEndpoint is not set");
      }
      boolean hashes = token.at("caCertHashes").map(j -> j instanceof Json.Arr a && !a.items().isEmpty()).orElse(false);
      boolean unsafe = token.at("unsafeSkipCAVerification").map(j -> j instanceof Json.Bool b && b.value()).orElse(false);
      if (!hashes && !unsafe) {
        errs.add(invalid("discovery.bootstrapToken.caCertHashes", "", "using token-based discovery without caCertHashes can be"
            + " unsafe. Set unsafeSkipCAVerification as true in your kubeadm config file or pass"
            + " --discovery-token-unsafe-skip-ca-verification flag to continue"));
      }
      validateToken(token.text("token"), "discovery.bootstrapToken.token", errs);
      String hostPortError = splitHostPortError(endpoint);
      if (hostPortError != null) {
        errs.add(invalid("discovery.bootstrapToken.apiServerEndpoint", endpoint, hostPortError));
      }
      validateToken(tlsToken, "discovery.tlsBootstrapToken", errs);
    }
    if (file != null) {
      String path = file.text("kubeConfigPath");
      String bad = kubeConfigPathError(path);
      if (bad != null) {
        errs.add(invalid("discovery.file.kubeConfigPath", path, bad));
      }
      if (!tlsToken.isEmpty()) {
        validateToken(tlsToken, "discovery.tlsBootstrapToken", errs);
      }
    }
    String caCertPath = join.text("caCertPath").isEmpty() ? DEFAULT_CA_CERT_PATH : join.text("caCertPath");
    if (!caCertPath.startsWith("/") || !caCertPath.endsWith(".crt")) {
      errs.add(invalid("caCertPath", caCertPath, "the ca certificate path must be an absolute path"));
    }
    return errs;
  }

  /** utilerrors.NewAggregate(...).Error(): one error as it is, several in brackets; duplicates once. */
  static String aggregate(List<String> errs) {
    List<String> unique = errs.stream().distinct().toList();
    return unique.size() == 1 ? unique.get(0) : "[" + String.join(", ", unique) + "]";
  }

  private static void validateToken(String token, String field, List<String> errs) {
    if (!TOKEN.matcher(token).matches()) {
      errs.add(invalid(field, token, "the bootstrap token is invalid"));
    }
  }

  private static String invalid(String field, String value, String detail) {
    return field + ": Invalid value: " + Json.quote(value) + ": " + detail;
  }

  /** net.SplitHostPort's error text, or null when it splits. */
  static String splitHostPortError(String hostport) {
    String missingPort = addrError(hostport, "missing port in address");
    String tooManyColons = addrError(hostport, "too many colons in address");
    if (hostport.startsWith("[")) {
      int end = hostport.indexOf(']');
      if (end < 0) {
        return addrError(hostport, "missing ']' in address");
      }
      if (end + 1 == hostport.length()) {
        return missingPort;
      }
      if (end + 1 == hostport.lastIndexOf(':')) {
        return null;
      }
      return hostport.charAt(end + 1) == ':' ? tooManyColons : missingPort;
    }
    int last = hostport.lastIndexOf(':');
    if (last < 0) {
      return missingPort;
    }
    return hostport.substring(0, last).indexOf(':') >= 0 ? tooManyColons : null;
  }

  private static String addrError(String addr, String err) {
    return addr.isEmpty() ? err : "address " + addr + ": " + err;
  }

  private static String kubeConfigPathError(String path) {
    int colon = path.indexOf("://");
    if (colon < 0) {
      return Files.exists(Path.of(path.isEmpty() ? "." : path)) && !path.isEmpty() ? null : "not a valid HTTPS URL or a file on disk";
    }
    return path.substring(0, colon).equals("https") ? null : "if a URL is used, the scheme must be https";
  }
}
