package dev.kubesmith.testkit.internal.kubeadm;

/** schema.GroupVersionKind, printed the ways kubeadm's messages print it. */
record Gvk(String group, String version, String kind) {
  /** From a document's apiVersion and kind, as the meta factory splits "group/version". */
  static Gvk of(String apiVersion, String kind) {
    String av = apiVersion == null ? "" : apiVersion;
    int slash = av.indexOf('/');
    return slash < 0 ? new Gvk("", av, kind == null ? "" : kind)
        : new Gvk(av.substring(0, slash), av.substring(slash + 1), kind == null ? "" : kind);
  }

  /** GroupVersion.String(): "group/version", or the version alone for the core group. */
  String groupVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** %#v */
  String goSyntax() {
    return "schema.GroupVersionKind{Group:\"" + group + "\", Version:\"" + version + "\", Kind:\"" + kind + "\"}";
  }

  /** %v and %+v (GroupVersionKind.String()); kubeadm sorts the documents of an init by it. */
  @Override
  public String toString() {
    return group + "/" + version + ", Kind=" + kind;
  }
}
