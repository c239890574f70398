package dev.kubesmith.addons.testing;

import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An object a server-side apply request named, read from the request's path (the mock consumes a
 * recorded request's body): {@code /api/v1/namespaces/x/configmaps/y} or
 * {@code /apis/group/version[/namespaces/x]/resource/name}, with its query.
 */
record AppliedObject(String path, String group, String resource, String namespace, String name, Map<String, String> query) {
  private static final Pattern PATH = Pattern.compile("/api(?:s/([^/]+))?/[^/]+(?:/namespaces/([^/]+))?/([^/]+)/([^/?]+)(?:\\?(.*))?");

  /** The object of a server-side apply request, if it is one. */
  static Optional<AppliedObject> of(RecordedRequest r) {
    if (!r.getMethod().equals("PATCH") || !String.valueOf(r.getHeader("Content-Type")).startsWith("application/apply-patch")) {
      return Optional.empty();
    }
    Matcher m = PATH.matcher(r.getPath());
    if (!m.matches()) {
      throw new IllegalArgumentException("not an object's path: " + r.getPath());
    }
    Map<String, String> query = m.group(5) == null ? Map.of() : Arrays.stream(m.group(5).split("&"))
        .map(p -> p.split("=", 2)).collect(Collectors.toMap(p -> p[0], p -> p.length > 1 ? p[1] : ""));
    return Optional.of(new AppliedObject(r.getPath().split("\\?", 2)[0], m.group(1) == null ? "" : m.group(1), m.group(3), m.group(2), m.group(4), query));
  }

  /** As kubectl names it: {@code resource[.group] [namespace/]name}, e.g. {@code cephclusters.ceph.rook.io rook-ceph/rook-ceph}. */
  String ref() {
    return resource + (group.isEmpty() ? "" : "." + group) + " " + (namespace == null ? "" : namespace + "/") + name;
  }

  boolean isCrd() {
    return resource.equals("customresourcedefinitions") && group.equals("apiextensions.k8s.io");
  }

  /** Whether the kind comes from a CRD rather than from Kubernetes itself. */
  boolean isCustom() {
    return !(group.isEmpty() || group.endsWith(".k8s.io") || group.equals("apps") || group.equals("batch")
        || group.equals("policy") || group.equals("autoscaling"));
  }

  /** The name of the CRD that serves this kind. */
  String crdName() {
    return resource + "." + group;
  }
}
