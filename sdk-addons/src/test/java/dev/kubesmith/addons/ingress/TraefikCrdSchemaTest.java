package dev.kubesmith.addons.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.kubesmith.upstream.UpstreamFile;
import dev.kubesmith.upstream.UpstreamMirror;
import dev.kubesmith.testkit.CrdSchemas;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Middleware and IngressRoute BasicAuth writes, validated against the openAPIV3Schema of the
 * pinned traefik.io CRDs. Objects with {@code properties} are closed unless they keep unknown
 * fields, so a misspelt field fails here instead of being pruned by the API server.
 */
class TraefikCrdSchemaTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static Schema middleware;
  private static Schema ingressRoute;

  @BeforeAll
  static void loadSchemas() {
    middleware = schemaOf(crd("traefik/crds/traefik.io_middlewares.yaml"));
    ingressRoute = schemaOf(crd("traefik/crds/traefik.io_ingressroutes.yaml"));
  }

  @Test
  void basicAuthMiddlewareMatchesItsCrd() {
    assertThat(middleware.validate(JSON.valueToTree(BasicAuth.middleware("monitoring")))).isEmpty();
  }

  @Test
  void middlewareFromTheManifestMatchesItsCrd() {
    Object written = TraefikManifests.documents(BasicAuth.generated("admin").manifest("monitoring").yaml()).get(1);

    assertThat(middleware.validate(JSON.valueToTree(written))).isEmpty();
  }

  @Test
  void ingressRouteMatchesItsCrd() {
    assertThat(ingressRoute.validate(JSON.valueToTree(BasicAuth.route("monitoring", "grafana.apps.example.com", "grafana", 3000))))
        .isEmpty();
  }

  @Test
  void catchesAMisspeltBasicAuthField() {
    JsonNode node = JSON.valueToTree(BasicAuth.middleware("monitoring"));
    ((ObjectNode) node.get("spec").get("basicAuth")).put("secrets", "basic-auth-users");

    assertThat(middleware.validate(node)).extracting(Error::getKeyword).contains("additionalProperties");
  }

  @Test
  void catchesARouteKindOutsideTheEnum() {
    JsonNode node = JSON.valueToTree(BasicAuth.route("monitoring", "grafana.apps.example.com", "grafana", 3000));
    ((ObjectNode) node.get("spec").get("routes").get(0)).put("kind", "Rules");

    assertThat(ingressRoute.validate(node)).extracting(Error::getKeyword).contains("enum");
  }

  private static Map<String, Object> crd(String mirrorPath) {
    UpstreamFile file = Traefik.CRDS.stream().filter(f -> f.mirrorPath().equals(mirrorPath)).findFirst().orElseThrow();
    List<Object> docs = TraefikManifests.documents(UpstreamMirror.fromEnvironment().fetch(file));
    assertThat(docs).hasSize(1);
    return TraefikTest.map(docs.get(0));
  }

  private static Schema schemaOf(Map<String, Object> crd) {
    Map<String, Object> version = ((List<?>) TraefikTest.map(crd.get("spec")).get("versions")).stream().map(TraefikTest::map)
        .filter(v -> "v1alpha1".equals(v.get("name"))).findFirst().orElseThrow();
    return CrdSchemas.openApi(TraefikTest.map(version.get("schema")));
  }

  /** Drops the x-kubernetes-* extensions and closes every object schema that does not keep unknown fields. */
}
