package dev.kubesmith.testkit.internal.kubeadm;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Go type as encoding/json (the sigs.k8s.io/json fork kubeadm decodes with) sees it: what a JSON
 * value may be decoded into, and the name {@code reflect.Type.String()} gives it in an
 * {@code UnmarshalTypeError} ({@code []v1beta4.Arg}, {@code map[string]string}, {@code int32}).
 */
sealed interface GoType {
  /** The name reflect gives the type, e.g. {@code v1beta4.APIEndpoint}; a pointer's is its element's (json derefs first). */
  String name();

  GoType STRING = new Scalar("string", Kind.STRING);
  GoType BOOL = new Scalar("bool", Kind.BOOL);
  GoType INT32 = new Scalar("int32", Kind.INT32);
  /** interface{}: any JSON value. */
  GoType ANY = new Any("interface {}");

  static GoType string(String name) {
    return new Scalar(name, Kind.STRING);
  }

  static GoType sliceOf(GoType elem) {
    return new Slice(elem);
  }

  static GoType mapOf(GoType elem) {
    return new GoMap(elem);
  }

  enum Kind { STRING, BOOL, INT32 }

  record Scalar(String name, Kind kind) implements GoType {}

  record Slice(GoType elem) implements GoType {
    @Override
    public String name() {
      return "[]" + elem.name();
    }
  }

  record GoMap(GoType elem) implements GoType {
    @Override
    public String name() {
      return "map[string]" + elem.name();
    }
  }

  /** Accepts any value, reporting nothing inside it (a type whose schema the stand-in does not hold). */
  record Any(String name) implements GoType {}

  /**
   * A type with an {@code UnmarshalJSON} that takes a JSON string only ({@code metav1.Duration},
   * {@code metav1.Time}, {@code BootstrapTokenString}); {@code duration} ones also parse it as
   * time.ParseDuration does.
   */
  record StringUnmarshaler(String name, boolean duration) implements GoType {}

  /**
   * A struct: its JSON fields (embedded {@code json:",inline"} structs already flattened in, as
   * encoding/json promotes them) and whether unknown fields are reported (false for a component
   * config whose full schema the stand-in does not hold).
   */
  final class Struct implements GoType {
    private final String pkg;
    private final String simpleName;
    private final Map<String, GoType> fields = new LinkedHashMap<>();
    private final boolean closed;

    Struct(String pkg, String simpleName, boolean closed) {
      this.pkg = pkg;
      this.simpleName = simpleName;
      this.closed = closed;
    }

    Struct(String pkg, String simpleName) {
      this(pkg, simpleName, true);
    }

    Struct field(String json, GoType type) {
      fields.put(json, type);
      return this;
    }

    /** An embedded {@code json:",inline"} struct: its fields become this struct's. */
    Struct inline(Struct embedded) {
      fields.putAll(embedded.fields);
      return this;
    }

    GoType get(String json) {
      return fields.get(json);
    }

    boolean closed() {
      return closed;
    }

    /** reflect.Type.Name(): what an UnmarshalTypeError names as the struct holding the field. */
    String simpleName() {
      return simpleName;
    }

    @Override
    public String name() {
      return pkg + "." + simpleName;
    }
  }
}
