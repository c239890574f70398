package dev.kubesmith.testkit.internal;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the sandbox names what it creates on the machine, so a later run can tell its own leftovers
 * from anything else: network namespaces {@code ks-<id>-<host>} and {@code ks-<id>_net}, the one
 * root-namespace link {@code ks<id>}, and the directory {@code ks-<id>} marked by an {@code owner}
 * file. {@code <id>} is six lower-case letters or digits. Which runs are alive is kept in {@link Registry}.
 */
public final class Names {
  static final Pattern NAMESPACE = Pattern.compile("ks-([a-z0-9]{6})[-_].+");
  static final Pattern ROOT_LINK = Pattern.compile("ks([a-z0-9]{6})");
  static final Pattern DIRECTORY = Pattern.compile("ks-([a-z0-9]{6})");
  static final String OWNER_FILE = "owner";
  private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  private Names() {}

  /** A new random sandbox id. */
  public static String newId() {
    StringBuilder sb = new StringBuilder(6);
    for (int i = 0; i < 6; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  /** Whether a host name is usable: a DNS label of lower-case letters, digits and dashes, at most 40 long. */
  public static boolean validHostName(String name) {
    return name != null && HOST.matcher(name).matches();
  }

  public static String networkNamespace(String id) {
    return "ks-" + id + "_net";
  }

  public static String hostNamespace(String id, String host) {
    return "ks-" + id + "-" + host;
  }

  public static String rootLink(String id) {
    return "ks" + id;
  }

  public static String directory(String id) {
    return "ks-" + id;
  }

  /** The marker used as argv[0] of each host's namespace holder, so its process is found by id. */
  public static String holderMarker(String id, String host) {
    return "ks-" + id + "-holder-" + host;
  }

  static Optional<String> idOf(Pattern pattern, String name) {
    Matcher m = pattern.matcher(name);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

}
