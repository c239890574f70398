package dev.kubesmith.testkit.internal.kubeadm;

import dev.kubesmith.testkit.internal.kubeadm.GoType.Struct;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * How the sandbox's kubeadm reads {@code --config}: one JVM per {@code kubeadm init}, {@code join}
 * or {@code config validate}, run by the kubeadm stub, that decodes every document as kubeadm 1.34
 * does and refuses what it refuses. From cmd/kubeadm/app/util/config:
 * <ul>
 * <li>init (initconfiguration.go, documentMapToInitConfiguration) and join (joinconfiguration.go,
 * documentMapToJoinConfiguration) run strict.VerifyUnmarshalStrict on each document with
 * strictErrors false: an unknown field or an unknown kind is only a klog warning; the decoding that
 * follows (runtime.DecodeInto, not strict) fails on a value of the wrong type;
 * <li>validateSupportedVersion (config.go): an old API version is refused, v1beta3 is deprecated
 * (a warning, as kubeadm v1.34.2 prints it) and before 1.31 v1beta4 was experimental;
 * <li>neither InitConfiguration nor ClusterConfiguration, or no JoinConfiguration, is refused, and a
 * join's discovery is validated (ValidateJoinConfiguration, see {@link JoinValidation});
 * <li>{@code config validate} (ValidateConfig) refuses unknown kinds (validateKnownGVKs) and, strict
 * errors being errors there, unknown fields; it prints "ok".
 * </ul>
 * Warnings and errors go to stderr as kubeadm prints them (klog's header; a refusal followed by
 * kubeadm's "To see the stack trace" line, exit 1, or 3 for aggregated validation errors); for init
 * and join, stdout gets the settings the stub needs as shell assignments ({@code KS_CFG_NAME='...'}).
 *
 * <pre>{@code
 * java -cp ... dev.kubesmith.testkit.internal.kubeadm.KubeadmConfigCheck init /etc/kubernetes/kubeadm-config.yaml 1.34.2
 * }</pre>
 */
public final class KubeadmConfigCheck {
  private static final Map<String, String> OLD = Map.of("kubeadm.k8s.io/v1alpha1", "v1.11", "kubeadm.k8s.io/v1alpha2", "v1.12",
      "kubeadm.k8s.io/v1alpha3", "v1.14", "kubeadm.k8s.io/v1beta1", "v1.15", "kubeadm.k8s.io/v1beta2", "v1.22");
  private static final String MIGRATE = "'kubeadm config migrate --old-config old-config-file --new-config new-config-file',"
      + " which will write the new, similar spec using a newer API version.";
  private static final String KUBEADM_SCHEME = "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme/scheme.go:31";
  /** The component configs kubeadm reads (componentconfigs/configset.go: known handlers) and the version each supports. */
  private static final Map<String, String> COMPONENT_CONFIGS = Map.of(
      KubeadmTypes.KUBELET_GROUP, "v1beta1", KubeadmTypes.KUBE_PROXY_GROUP, "v1alpha1");

  private final PrintStream err;
  private final int minor;
  private final Map<String, String> settings = new LinkedHashMap<>();

  private KubeadmConfigCheck(PrintStream err, String kubeadmVersion) {
    this.err = err;
    Matcher m = Pattern.compile("v?1\\.(\\d+).*").matcher(kubeadmVersion);
    this.minor = m.matches() ? Integer.parseInt(m.group(1)) : 34;
  }

  /**
   * The stand-in's process entry point ({@code init|join|validate FILE KUBEADM_VERSION}), run by the
   * kubeadm stub in a JVM of its own: its output and exit status are kubeadm's, so this is the one
   * place that writes to the process's streams and exits. Everything else is {@link #run}.
   */
  public static void main(String[] args) throws IOException {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Checks the configuration as kubeadm would and returns kubeadm's exit status: 0 with the
   * settings (init, join) or "ok" (validate) on {@code out}; warnings and the refusal on {@code err}.
   */
  public static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
    if (args.length != 3) {
      err.println("usage: KubeadmConfigCheck init|join|validate FILE KUBEADM_VERSION");
      return 2;
    }
    KubeadmConfigCheck check = new KubeadmConfigCheck(err, args[2]);
    String text = Files.readString(Path.of(args[1]), StandardCharsets.UTF_8);
    try {
      switch (args[0]) {
        case "init" -> check.init(text, false);
        case "join" -> check.join(Docs.split(text), false);
        case "validate" -> check.validate(text);
        default -> throw new Refusal("unknown command " + args[0], 2);
      }
    } catch (Refusal r) {
      err.print(r.getMessage() + "\nTo see the stack trace of this error execute with --v=5 or higher\n");
      return r.code;
    }
    if (args[0].equals("validate")) {
      out.println("ok");
    } else {
      check.settings.forEach((k, v) -> out.println("KS_CFG_" + k + "='" + v.replace("'", "'\\''") + "'"));
    }
    return 0;
  }

  private void init(String text, boolean validate) {
    List<Doc> docs = Docs.split(text);
    List<Doc> sorted = new ArrayList<>(docs);
    // documentMapToInitConfiguration sorts by GVK string, so ClusterConfiguration decodes first
    sorted.sort(Comparator.comparing(d -> d.gvk().toString()));
    Json init = null;
    Json cluster = null;
    for (Doc d : sorted) {
      supportedVersion(d.gvk(), validate);
      verifyStrict(d, KubeadmTypes.lookup(d.gvk()), validate, "initconfiguration.go:333");
      if (d.gvk().kind().equals("InitConfiguration")) {
        init = decodeInto(d);
      } else if (d.gvk().kind().equals("ClusterConfiguration")) {
        cluster = decodeInto(d);
      } else if (!COMPONENT_CONFIGS.containsKey(d.gvk().group())) {
        warn("initconfiguration.go", "[config] WARNING: Ignored configuration document with GroupVersionKind " + d.gvk());
      }
    }
    if (init == null && cluster == null) {
      throw new Refusal("no InitConfiguration or ClusterConfiguration kind was found in the configuration file", 1);
    }
    componentConfigs(docs);
    Json i = init == null ? new Json.Null() : init;
    Json c = cluster == null ? new Json.Null() : cluster;
    settings.put("ENDPOINT", c.text("controlPlaneEndpoint"));
    settings.put("NAME", i.text("nodeRegistration", "name"));
    settings.put("ADVERTISE", i.text("localAPIEndpoint", "advertiseAddress"));
    settings.put("NODE_IP", nodeIp(i));
    settings.put("VERSION", c.text("kubernetesVersion"));
  }

  private void join(List<Doc> docs, boolean validate) {
    Doc join = null;
    for (Doc d : docs) {
      if (!d.gvk().kind().equals("JoinConfiguration")) {
        continue; // documentMapToJoinConfiguration looks at nothing else
      }
      supportedVersion(d.gvk(), validate);
      verifyStrict(d, KubeadmTypes.lookupKubeadm(d.gvk()), validate, "joinconfiguration.go");
      join = d;
    }
    if (join == null) {
      throw new Refusal("no JoinConfiguration found in the supplied config", 1);
    }
    Json j = decodeInto(join);
    List<String> errs = JoinValidation.errors(j);
    if (!errs.isEmpty()) {
      throw new Refusal(JoinValidation.aggregate(errs), 3);
    }
    Json token = j.at("discovery", "bootstrapToken").orElse(new Json.Null());
    settings.put("ENDPOINT", token.text("apiServerEndpoint"));
    settings.put("TOKEN", token.text("token"));
    boolean unsafe = token.at("unsafeSkipCAVerification").map(b -> b instanceof Json.Bool v && v.value()).orElse(false);
    settings.put("HASH", unsafe ? "skip" : token.at("caCertHashes").map(h -> h instanceof Json.Arr a && !a.items().isEmpty()
        && a.items().get(0) instanceof Json.Str s ? s.value() : "").orElse(""));
    settings.put("NAME", j.text("nodeRegistration", "name"));
    settings.put("NODE_IP", nodeIp(j));
    boolean master = j.at("controlPlane").filter(cp -> !(cp instanceof Json.Null)).isPresent();
    settings.put("CONTROL", master ? "1" : "0");
    settings.put("KEY", j.text("controlPlane", "certificateKey"));
    settings.put("ADVERTISE", j.text("controlPlane", "localAPIEndpoint", "advertiseAddress"));
  }

  /** ValidateConfig: every kind known, then init's and join's loading with strict errors as errors and deprecation allowed. */
  private void validate(String text) {
    List<Doc> docs = Docs.split(text);
    List<String> unknown = new ArrayList<>();
    for (Doc d : docs) {
      if (OLD.containsKey(d.gvk().groupVersion())) {
        continue; // validateKnownGVKs skips the old known versions: their loading refuses them
      }
      if (KubeadmTypes.lookup(d.gvk()).isEmpty()) {
        unknown.add(d.gvk().goSyntax());
      }
    }
    if (!unknown.isEmpty()) {
      throw new Refusal("unknown configuration APIs: []schema.GroupVersionKind{" + String.join(", ", unknown) + "}", 1);
    }
    Set<String> kinds = new HashSet<>();
    docs.forEach(d -> kinds.add(d.gvk().kind()));
    if (kinds.contains("InitConfiguration") || kinds.contains("ClusterConfiguration")) {
      init(text, true);
    }
    if (kinds.contains("JoinConfiguration")) {
      join(docs, true);
    }
  }

  /** validateSupportedVersion as kubeadm 1.34 has it (config.go), with v1beta4 experimental before 1.31. */
  private void supportedVersion(Gvk gvk, boolean allowDeprecated) {
    String gv = gvk.groupVersion();
    String kind = " (kind: " + Json.quote(gvk.kind()) + ")";
    if (OLD.containsKey(gv)) {
      throw new Refusal("your configuration file uses an old API spec: " + Json.quote(gv) + kind + ". Please use kubeadm "
          + OLD.get(gv) + " instead and run " + MIGRATE, 1);
    }
    if (minor >= 31 && gv.equals("kubeadm.k8s.io/v1beta3") && !allowDeprecated) {
      warn("common.go:100", "your configuration file uses a deprecated API spec: " + Json.quote(gv) + kind + ". Please use "
          + MIGRATE);
    }
    if (minor < 31 && gv.equals("kubeadm.k8s.io/v1beta4")) {
      throw new Refusal("experimental API spec: " + Json.quote(gv) + " is not allowed. You can use the"
          + " --allow-experimental-api flag if the command supports it.", 1);
    }
  }

  /** strict.VerifyUnmarshalStrict: a warning where strict errors are not errors (init, join), a refusal in config validate. */
  private void verifyStrict(Doc d, Optional<Struct> type, boolean errors, String where) {
    String problem = null;
    if (type.isEmpty()) {
      problem = "unknown configuration " + d.gvk().goSyntax();
    } else {
      GoJsonDecoder.Result r = GoJsonDecoder.decode(d.json(), type.get(), true);
      List<String> strict = new ArrayList<>();
      if (!d.duplicateKeys().isEmpty()) {
        strict.add("yaml: unmarshal errors:\n  " + String.join("\n  ", d.duplicateKeys())); // YAMLToJSONStrict
      }
      strict.addAll(r.strictErrors());
      if (r.error() != null) {
        problem = "error unmarshaling configuration " + d.gvk().goSyntax() + ": " + r.error();
      } else if (!strict.isEmpty()) {
        problem = "error unmarshaling configuration " + d.gvk().goSyntax() + ": strict decoding error: " + String.join(", ", strict);
      }
    }
    if (problem != null && errors) {
      throw new Refusal(problem, 1);
    }
    if (problem != null) {
      warn(where, problem);
    }
  }

  /** runtime.DecodeInto with kubeadm's universal decoder: a wrong type refuses, an unregistered version too. */
  private static Json decodeInto(Doc d) {
    Struct type = KubeadmTypes.lookupKubeadm(d.gvk()).orElseThrow(() -> new Refusal("no kind " + Json.quote(d.gvk().kind())
        + " is registered for version " + Json.quote(d.gvk().groupVersion()) + " in scheme " + Json.quote(KUBEADM_SCHEME), 1));
    GoJsonDecoder.Result r = GoJsonDecoder.decode(d.json(), type, false);
    if (r.error() != null) {
      throw new Refusal(r.error(), 1);
    }
    return d.json();
  }

  /** componentconfigs FetchFromDocumentMap: a component config of an older version refuses, a newer one is used as is. */
  private void componentConfigs(List<Doc> docs) {
    for (Doc d : docs) {
      String supported = COMPONENT_CONFIGS.get(d.gvk().group());
      if (supported == null) {
        continue;
      }
      int cmp = KubeAwareVersion.compare(d.gvk().version(), supported);
      String want = Json.quote(d.gvk().group() + "/" + supported);
      if (cmp < 0) {
        throw new Refusal("unexpected apiVersion " + Json.quote(d.gvk().groupVersion()) + ", you may have to do manual conversion to "
            + want + " and execute kubeadm again", 1);
      }
      if (cmp > 0) {
        warn("configset.go", "WARNING: Newer apiVersion " + Json.quote(d.gvk().groupVersion())
            + " detected. kubeadm won't patch that config but will use it as is");
        continue;
      }
      Optional<Struct> type = KubeadmTypes.lookup(d.gvk());
      if (type.isEmpty()) {
        // the componentconfigs scheme's name carries its file:line, which the stand-in does not know
        throw new Refusal("no kind " + Json.quote(d.gvk().kind()) + " is registered for version "
            + Json.quote(d.gvk().groupVersion()) + " in scheme \"k8s.io/kubernetes/cmd/kubeadm/app/componentconfigs/scheme.go\"", 1);
      }
      GoJsonDecoder.Result r = GoJsonDecoder.decode(d.json(), type.get(), false);
      if (r.error() != null) {
        throw new Refusal(r.error(), 1);
      }
    }
  }

  /** The kubelet's node-ip: a name/value pair in v1beta4 (the last one wins on the kubelet's command line), a map entry in v1beta3. */
  private static String nodeIp(Json config) {
    Json args = config.at("nodeRegistration", "kubeletExtraArgs").orElse(new Json.Null());
    if (args instanceof Json.Obj) {
      return args.text("node-ip");
    }
    String ip = "";
    if (args instanceof Json.Arr a) {
      for (Json arg : a.items()) {
        if (arg.text("name").equals("node-ip")) {
          ip = arg.text("value");
        }
      }
    }
    return ip;
  }

  /**
   * klog.Warning's line: "W1207 15:20:57.123456    4242 common.go:100] ...". The line numbers are
   * those kubeadm v1.34.2 and v1.32 printed; where the stand-in does not know one it names the file only.
   */
  private void warn(String where, String message) {
    String time = LocalDateTime.now().format(DateTimeFormatter.ofPattern("MMdd HH:mm:ss.SSSSSS"));
    err.printf("W%s %7d %s] %s%n", time, ProcessHandle.current().pid(), where, message);
  }

  /** A document: its GVK, its JSON, and the keys YAMLToJSONStrict finds twice. */
  record Doc(Gvk gvk, Json json, List<String> duplicateKeys) {}

  /** kubeadm refusing the configuration: the message and kubeadm's exit code. */
  static final class Refusal extends RuntimeException {
    final int code;

    Refusal(String message, int code) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  /** SplitYAMLDocuments (cmd/kubeadm/app/util/marshal.go) over k8s.io/apimachinery's YAMLReader. */
  static final class Docs {
    private Docs() {}

    static List<Doc> split(String text) {
      List<Doc> docs = new ArrayList<>();
      Set<String> kinds = new HashSet<>();
      List<String> twice = new ArrayList<>();
      for (String chunk : chunks(text)) {
        List<String> duplicates = new ArrayList<>();
        Json json = parse(chunk, duplicates);
        Gvk gvk = Gvk.of(json.text("apiVersion"), json.text("kind"));
        if (gvk.group().isEmpty() || gvk.version().isEmpty() || gvk.kind().isEmpty()) {
          throw new Refusal("invalid configuration for GroupVersionKind " + gvk
              + ": kind and apiVersion is mandatory information that must be specified", 1);
        }
        if (!kinds.add(gvk.kind())) {
          twice.add("invalid configuration: kind " + Json.quote(gvk.kind()) + " is specified twice in YAML file");
          continue;
        }
        docs.add(new Doc(gvk, json, duplicates));
      }
      if (!twice.isEmpty()) {
        throw new Refusal(JoinValidation.aggregate(twice), 3);
      }
      return docs;
    }

    /** YAMLReader.Read: documents split at lines starting with "---", which only a comment may follow; empty ones skipped. */
    private static List<String> chunks(String text) {
      List<String> chunks = new ArrayList<>();
      StringBuilder buffer = new StringBuilder();
      for (String line : text.split("(?<=\n)")) {
        if (line.startsWith("---")) {
          String trimmed = line.substring(3).strip();
          if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
            throw new Refusal("invalid Yaml document separator: " + trimmed, 1);
          }
          if (buffer.length() > 0) {
            chunks.add(buffer.toString());
            buffer.setLength(0);
          }
          continue;
        }
        buffer.append(line);
      }
      if (buffer.length() > 0) {
        chunks.add(buffer.toString());
      }
      return chunks;
    }

    private static Json parse(String chunk, List<String> duplicates) {
      try {
        Optional<Node> node = new Compose(LoadSettings.builder().build()).composeString(chunk);
        return node.map(n -> Json.of(n, duplicates)).orElse(new Json.Null());
      } catch (YamlEngineException e) {
        // go-yaml words its syntax errors differently; the stand-in gives snakeyaml's first line
        throw new Refusal("couldn't get version/kind; json parse error: error converting YAML to JSON: yaml: "
            + e.getMessage().lines().findFirst().orElse(""), 1);
      }
    }
  }

  /** version.CompareKubeAwareVersionStrings: v1 > v1beta2 > v1beta1 > v1alpha1. */
  static final class KubeAwareVersion {
    private static final Pattern KUBE = Pattern.compile("v(\\d+)(?:(alpha|beta)(\\d+))?");

    private KubeAwareVersion() {}

    static int compare(String a, String b) {
      Matcher x = KUBE.matcher(a);
      Matcher y = KUBE.matcher(b);
      if (!x.matches() || !y.matches()) {
        return a.compareTo(b);
      }
      int c = Integer.compare(Integer.parseInt(x.group(1)), Integer.parseInt(y.group(1)));
      if (c != 0) {
        return c;
      }
      c = Integer.compare(stability(x.group(2)), stability(y.group(2)));
      if (c != 0) {
        return c;
      }
      return x.group(3) == null ? 0 : Integer.compare(Integer.parseInt(x.group(3)), Integer.parseInt(y.group(3)));
    }

    private static int stability(String s) {
      return s == null ? 2 : s.equals("beta") ? 1 : 0;
    }
  }
}
