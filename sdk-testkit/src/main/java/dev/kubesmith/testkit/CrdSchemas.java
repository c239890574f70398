package dev.kubesmith.testkit;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A CRD version's openAPIV3Schema as a JSON schema (draft 4) for validating the custom resources the
 * SDK writes. {@code x-kubernetes-*} keys are removed, and every object schema that does not keep
 * unknown fields is closed ({@code additionalProperties: false}) so a misspelt field fails: stricter
 * than the API server, which would drop it silently.
 */
public final class CrdSchemas {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private CrdSchemas() {}

  /** The schema of a CRD version's {@code schema} section (the map holding {@code openAPIV3Schema}). */
  public static Schema openApi(Map<?, ?> schemaSection) {
    JsonNode schema = JSON.valueToTree(schemaSection.get("openAPIV3Schema"));
    closeObjects(schema);
    return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(schema);
  }

  private static void closeObjects(JsonNode schema) {
    if (!(schema instanceof ObjectNode o)) {
      return;
    }
    boolean preserves = o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    o.remove(o.propertyNames().stream().filter(n -> n.startsWith("x-kubernetes-")).toList());
    if (o.has("properties") && !o.has("additionalProperties") && !preserves) {
      o.put("additionalProperties", false);
    }
    o.path("properties").forEach(CrdSchemas::closeObjects);
    closeObjects(o.get("items"));
    closeObjects(o.get("additionalProperties"));
    closeObjects(o.get("not"));
    for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
      o.path(combinator).forEach(CrdSchemas::closeObjects);
    }
  }
}
