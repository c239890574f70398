package dev.kubesmith.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import dev.kubesmith.backup.testing.Clusters;
import dev.kubesmith.backup.testing.Plans;
import dev.kubesmith.testkit.CrdSchemas;
import dev.kubesmith.upstream.UpstreamFile;
import dev.kubesmith.upstream.UpstreamMirror;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The custom resources kubesmith writes for Velero validated against the openAPIV3Schema of Velero
 * v1.18.1's CRDs from the mirror; objects are closed, so a misspelt field fails here.
 */
class VeleroCrdSchemaTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static Schema schedule;
  private static Schema backup;
  private static Schema restore;
  private static Schema location;

  @BeforeAll
  static void loadSchemas() {
    schedule = schemaOf("schedules.velero.io");
    backup = schemaOf("backups.velero.io");
    restore = schemaOf("restores.velero.io");
    location = schemaOf("backupstoragelocations.velero.io");
  }

  @Test
  void schedulesOfThePlanMatchTheScheduleCrd() {
    Velero v = Velero.minioOnNfs("nfs1", "/srv/backup")
        .schedule("test-daily", s -> s.daily().includeNamespaces("test").ttl(Duration.ofDays(7)))
        .schedule(BackupSchedule.parse("name=all-hourly,cron=*/30 * * * *,ttl=48h"));
    String yaml = Plans.of(Clusters.ha(), v).requireStep(Velero.STEP_SCHEDULES).manifests().get(0).yaml();

    List<Object> docs = documents(yaml);
    assertThat(docs).hasSize(2);
    docs.forEach(d -> assertThat(errors(schedule, d)).isEmpty());
  }

  @Test
  void storageLocationOfThePlanMatchesItsCrd() {
    String yaml = Plans.of(Clusters.ha(), Velero.defaults()).requireStep(Velero.STEP_VELERO).manifests().stream()
        .filter(m -> m.name().equals("velero-storage-location")).findFirst().orElseThrow().yaml();

    Object bsl = documents(yaml).get(0);
    assertThat(errors(location, bsl)).isEmpty();
    assertThat(bsl.toString()).contains("s3ForcePathStyle=true", "region=minio", "s3Url=http://minio.minio.svc:9000", "provider=aws");
  }

  @Test
  void onDemandBackupAndRestoreMatchTheirCrds() {
    assertThat(errors(backup, VeleroRuns.backupObject("before-upgrade", List.of("test", "prod"), Duration.ofDays(2)))).isEmpty();
    assertThat(errors(restore, VeleroRuns.restoreObject("before-upgrade-1", "before-upgrade", List.of("test")))).isEmpty();
  }

  @Test
  void catchesAMisspeltScheduleFieldAndATtlOfTheWrongType() {
    JsonNode node = JSON.valueToTree(VeleroManifests.schedule(BackupSchedule.named("a").daily()));
    ((ObjectNode) node.get("spec").get("template")).put("includeNamespaces", "test");
    assertThat(schedule.validate(node)).extracting(Error::getKeyword).contains("additionalProperties");

    JsonNode ttl = JSON.valueToTree(VeleroManifests.schedule(BackupSchedule.named("a").daily()));
    ((ObjectNode) ttl.get("spec").get("template")).put("ttl", 168);
    assertThat(schedule.validate(ttl)).extracting(Error::getKeyword).contains("type");
  }

  static Schema schemaOf(String crdName) {
    UpstreamFile file = VeleroManifests.CRDS.stream().filter(f -> VeleroManifests.crdName(f).equals(crdName)).findFirst()
        .orElseThrow();
    CustomResourceDefinition crd = Serialization.unmarshal(UpstreamMirror.fromEnvironment().fetch(file), CustomResourceDefinition.class);
    assertThat(crd.getMetadata().getName()).isEqualTo(crdName);
    var version = crd.getSpec().getVersions().stream().filter(v -> v.getName().equals("v1")).findFirst().orElseThrow();
    Map<?, ?> section = Serialization.jsonMapper().convertValue(version.getSchema(), Map.class);
    return CrdSchemas.openApi(section);
  }

  static List<Object> documents(String yaml) {
    return java.util.Arrays.stream(yaml.split("(?m)^---\\s*$")).filter(s -> !s.isBlank())
        .map(s -> (Object) Serialization.unmarshal(s, Map.class)).toList();
  }

  static List<Error> errors(Schema schema, Object document) {
    return schema.validate(JSON.valueToTree(document));
  }
}
