package dev.kubesmith.testkit.internal.kubeadm;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.common.ScalarStyle;

/**
 * A YAML document turned into the JSON that kubeadm decodes, as sigs.k8s.io/yaml's YAMLToJSON does
 * it: plain scalars resolved by go-yaml v2's rules (resolve.go: {@code ~}/null/empty, y/yes/on and
 * n/no/off booleans, base-prefixed and underscored integers, floats), quoted ones kept as strings,
 * object keys sorted (the JSON is marshalled from a Go map), a repeated key keeping its last value
 * while YAMLToJSONStrict reports it.
 */
sealed interface Json {
  record Obj(Map<String, Json> members) implements Json {}

  record Arr(List<Json> items) implements Json {}

  record Str(String value) implements Json {}

  /** A number as Go's encoding/json writes it (ints in decimal, floats in their shortest form). */
  record Num(String text) implements Json {}

  record Bool(boolean value) implements Json {}

  record Null() implements Json {}

  default Optional<Json> at(String... path) {
    Json j = this;
    for (String key : path) {
      if (!(j instanceof Obj o) || !o.members().containsKey(key)) {
        return Optional.empty();
      }
      j = o.members().get(key);
    }
    return Optional.of(j);
  }

  /** The string at a path ("" when absent or not a string). */
  default String text(String... path) {
    return at(path).map(j -> j instanceof Str s ? s.value() : "").orElse("");
  }

  /** Converts a composed YAML node; duplicate keys go to {@code duplicates} as go-yaml v2 words them. */
  static Json of(Node node, List<String> duplicates) {
    if (node instanceof MappingNode m) {
      Map<String, Json> members = new TreeMap<>();
      for (NodeTuple t : m.getValue()) {
        String key = keyText(t.getKeyNode());
        if (members.containsKey(key)) {
          int line = t.getKeyNode().getStartMark().map(mark -> mark.getLine() + 1).orElse(0);
          duplicates.add("line " + line + ": key " + quote(key) + " already set in map");
        }
        members.put(key, of(t.getValueNode(), duplicates));
      }
      return new Obj(members);
    }
    if (node instanceof SequenceNode s) {
      List<Json> items = new ArrayList<>();
      for (Node n : s.getValue()) {
        items.add(of(n, duplicates));
      }
      return new Arr(items);
    }
    ScalarNode scalar = (ScalarNode) node;
    return scalar.getScalarStyle() == ScalarStyle.PLAIN ? resolvePlain(scalar.getValue()) : new Str(scalar.getValue());
  }

  private static String keyText(Node key) {
    if (key instanceof ScalarNode s) {
      Json j = s.getScalarStyle() == ScalarStyle.PLAIN ? resolvePlain(s.getValue()) : new Str(s.getValue());
      if (j instanceof Str str) {
        return str.value();
      }
      if (j instanceof Num n) {
        return n.text();
      }
      if (j instanceof Bool b) {
        return String.valueOf(b.value());
      }
      return j instanceof Null ? "null" : s.getValue();
    }
    return String.valueOf(key);
  }

  Pattern YAML_FLOAT = Pattern.compile("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");

  /** go-yaml v2 resolve() for a plain scalar, then the JSON value YAMLToJSON makes of it. */
  static Json resolvePlain(String in) {
    switch (in) {
      case "", "~", "null", "Null", "NULL":
        return new Null();
      case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE":
        return new Bool(true);
      case "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE":
        return new Bool(false);
      default:
        break;
    }
    char c = in.charAt(0);
    if (!(Character.isDigit(c) || c == '-' || c == '+' || c == '.')) {
      return new Str(in);
    }
    String plain = in.replace("_", "");
    Optional<BigInteger> integer = goParseInt(plain);
    if (integer.isPresent()) {
      return new Num(integer.get().toString());
    }
    if (YAML_FLOAT.matcher(plain).matches()) {
      BigDecimal d = new BigDecimal(Double.toString(Double.parseDouble(plain)));
      return new Num(d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString());
    }
    return new Str(in);
  }

  /** strconv.ParseInt(s, 0, 64) then ParseUint: sign, 0x/0o/0b prefixes, a leading 0 for octal. */
  private static Optional<BigInteger> goParseInt(String s) {
    String digits = s;
    boolean negative = false;
    if (digits.startsWith("-") || digits.startsWith("+")) {
      negative = digits.startsWith("-");
      digits = digits.substring(1);
    }
    int radix = 10;
    String lower = digits.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("0x")) {
      radix = 16;
      digits = digits.substring(2);
    } else if (lower.startsWith("0o")) {
      radix = 8;
      digits = digits.substring(2);
    } else if (lower.startsWith("0b")) {
      radix = 2;
      digits = digits.substring(2);
    } else if (digits.length() > 1 && digits.startsWith("0")) {
      radix = 8;
      digits = digits.substring(1);
    }
    if (digits.isEmpty() || !digits.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
      return Optional.empty();
    }
    try {
      BigInteger v = new BigInteger(digits, radix);
      v = negative ? v.negate() : v;
      boolean fits = v.bitLength() < 64 || (!negative && v.bitLength() == 64);
      return fits ? Optional.of(v) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** strconv.Quote for the plain text kubeadm's configurations hold. */
  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t") + "\"";
  }
}
