package dev.kubesmith.testkit.internal.kubeadm;

import dev.kubesmith.testkit.internal.kubeadm.GoType.Struct;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes JSON into a {@link GoType} the way kubeadm's decoder does (sigs.k8s.io/json, the
 * case-sensitive fork of encoding/json, vendored as internal/golang/encoding/json/decode.go): a value
 * of the wrong type is skipped and only the earliest such {@code UnmarshalTypeError} is kept, named
 * "json: cannot unmarshal object into Go struct field NodeRegistrationOptions.nodeRegistration.
 * kubeletExtraArgs of type []v1beta4.Arg" (addErrorContext: the innermost struct, the JSON field
 * path); an error from an UnmarshalJSON (metav1.Duration) stops decoding at once; in strict mode
 * (kubernetes_patch.go, DisallowUnknownFields) every unknown field of a struct is reported as
 * {@code unknown field "nodeRegistration.foo"}, with [i] for list items.
 */
final class GoJsonDecoder {
  private static final Set<String> UNITS = Set.of("ns", "us", "µs", "μs", "ms", "s", "m", "h");

  private final boolean strict;
  private String savedError;
  private final Set<String> strictErrors = new LinkedHashSet<>();
  private String struct;
  private final List<String> fields = new ArrayList<>();
  private final List<String> path = new ArrayList<>();

  /** What decoding found: an error (the document does not decode) and, in strict mode, the strict errors. */
  record Result(String error, List<String> strictErrors) {}

  private GoJsonDecoder(boolean strict) {
    this.strict = strict;
  }

  static Result decode(Json json, Struct type, boolean strict) {
    GoJsonDecoder d = new GoJsonDecoder(strict);
    try {
      d.value(json, type);
    } catch (Abort a) {
      return new Result(a.getMessage(), List.of());
    }
    return new Result(d.savedError, List.copyOf(d.strictErrors));
  }

  private void value(Json v, GoType t) {
    if (v instanceof Json.Null) {
      return; // null sets pointers, maps and slices to nil and leaves other values alone
    }
    if (v instanceof Json.Obj o) {
      object(o, t);
    } else if (v instanceof Json.Arr a) {
      array(a, t);
    } else {
      literal(v, t);
    }
  }

  private void object(Json.Obj o, GoType t) {
    if (t instanceof GoType.StringUnmarshaler) {
      throw new Abort(typeError("object", GoType.STRING.name()));
    }
    if (t instanceof GoType.Any) {
      return;
    }
    if (t instanceof GoType.GoMap m) {
      for (Map.Entry<String, Json> e : o.members().entrySet()) {
        path.add("." + e.getKey());
        value(e.getValue(), m.elem());
        path.remove(path.size() - 1);
      }
      return;
    }
    if (!(t instanceof Struct s)) {
      saveTypeError("object", t);
      return;
    }
    for (Map.Entry<String, Json> e : o.members().entrySet()) {
      GoType field = s.get(e.getKey());
      if (field == null) {
        if (strict && s.closed()) {
          strictErrors.add("unknown field " + Json.quote(String.join("", path).replaceFirst("^\\.", "")
              + (path.isEmpty() ? "" : ".") + e.getKey()));
        }
        continue;
      }
      String outer = struct;
      fields.add(e.getKey());
      path.add("." + e.getKey());
      struct = s.simpleName();
      value(e.getValue(), field);
      // like decode.go, the context is put back only when the field decoded without an abort
      struct = outer;
      fields.remove(fields.size() - 1);
      path.remove(path.size() - 1);
    }
  }

  private void array(Json.Arr a, GoType t) {
    if (t instanceof GoType.StringUnmarshaler) {
      throw new Abort(typeError("array", GoType.STRING.name()));
    }
    if (t instanceof GoType.Any) {
      return;
    }
    if (!(t instanceof GoType.Slice s)) {
      saveTypeError("array", t);
      return;
    }
    for (int i = 0; i < a.items().size(); i++) {
      path.add("[" + i + "]");
      value(a.items().get(i), s.elem());
      path.remove(path.size() - 1);
    }
  }

  private void literal(Json v, GoType t) {
    String kind = v instanceof Json.Str ? "string" : v instanceof Json.Num ? "number" : "bool";
    if (t instanceof GoType.Any) {
      return;
    }
    if (t instanceof GoType.StringUnmarshaler u) {
      if (!(v instanceof Json.Str s)) {
        throw new Abort(typeError(kind, GoType.STRING.name())); // json.Unmarshal(b, &str) inside UnmarshalJSON
      }
      if (u.duration()) {
        parseDuration(s.value());
      }
      return;
    }
    if (t instanceof GoType.Scalar sc) {
      boolean ok = switch (sc.kind()) {
        case STRING -> v instanceof Json.Str;
        case BOOL -> v instanceof Json.Bool;
        case INT32 -> v instanceof Json.Num;
      };
      if (ok && sc.kind() == GoType.Kind.INT32 && !fitsInt32(((Json.Num) v).text())) {
        saveTypeError("number " + ((Json.Num) v).text(), t);
      } else if (!ok) {
        saveTypeError(kind, t);
      }
      return;
    }
    saveTypeError(kind, t);
  }

  private static boolean fitsInt32(String text) {
    try {
      Integer.parseInt(text);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** time.ParseDuration's refusals, as metav1.Duration's UnmarshalJSON returns them. */
  private static void parseDuration(String orig) {
    String s = orig.startsWith("-") || orig.startsWith("+") ? orig.substring(1) : orig;
    if (s.equals("0")) {
      return;
    }
    if (s.isEmpty()) {
      throw new Abort("time: invalid duration " + Json.quote(orig));
    }
    int i = 0;
    while (i < s.length()) {
      boolean digits = false;
      while (i < s.length() && Character.isDigit(s.charAt(i))) {
        i++;
        digits = true;
      }
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
          i++;
          digits = true;
        }
      }
      if (!digits) {
        throw new Abort("time: invalid duration " + Json.quote(orig));
      }
      int u = i;
      while (i < s.length() && s.charAt(i) != '.' && !Character.isDigit(s.charAt(i))) {
        i++;
      }
      if (u == i) {
        throw new Abort("time: missing unit in duration " + Json.quote(orig));
      }
      String unit = s.substring(u, i);
      if (!UNITS.contains(unit)) {
        throw new Abort("time: unknown unit " + Json.quote(unit) + " in duration " + Json.quote(orig));
      }
    }
  }

  private void saveTypeError(String value, GoType t) {
    if (savedError == null) {
      savedError = typeError(value, t.name());
    }
  }

  private String typeError(String value, String type) {
    if (struct != null || !fields.isEmpty()) {
      return "json: cannot unmarshal " + value + " into Go struct field " + struct + "." + String.join(".", fields)
          + " of type " + type;
    }
    return "json: cannot unmarshal " + value + " into Go value of type " + type;
  }

  /** An error returned by an UnmarshalJSON: decoding stops there. */
  private static final class Abort extends RuntimeException {
    Abort(String message) {
      super(message, null, false, false);
    }
  }
}
