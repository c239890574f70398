package dev.kubesmith.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import org.junit.jupiter.api.Test;

class VolumeBackupsTest {
  static Pod pod() {
    return new PodBuilder().withNewMetadata().withName("db-0").withNamespace("test").endMetadata()
        .withNewSpec().addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewVolume().withName("cache").withNewEmptyDir().endEmptyDir().endVolume().endSpec().build();
  }

  @Test
  void annotatesAPodWithItsVolumesAndLeavesTheArgumentAlone() {
    Pod original = pod();

    Pod annotated = VolumeBackups.backupVolumes(original, "data", "cache");

    assertThat(annotated.getMetadata().getAnnotations()).containsEntry(VolumeBackups.ANNOTATION, "data,cache");
    assertThat(original.getMetadata().getAnnotations()).isNullOrEmpty();
  }

  @Test
  void keepsVolumesAlreadyNamedWithoutRepeatingThem() {
    Pod once = VolumeBackups.backupVolumes(pod(), "data");

    Pod twice = VolumeBackups.backupVolumes(once, "cache", "data");

    assertThat(VolumeBackups.annotatedVolumes(twice)).containsExactly("data", "cache");
  }

  @Test
  void annotatesThePodTemplateOfDeploymentsStatefulSetsAndDaemonSets() {
    Deployment d = new DeploymentBuilder().withNewMetadata().withName("web").endMetadata().withNewSpec().withNewTemplate()
        .withNewSpec().addNewVolume().withName("uploads").withNewEmptyDir().endEmptyDir().endVolume().endSpec()
        .endTemplate().endSpec().build();
    StatefulSet s = new StatefulSetBuilder().withNewMetadata().withName("es").endMetadata().withNewSpec()
        .addNewVolumeClaimTemplate().withNewMetadata().withName("data").endMetadata().endVolumeClaimTemplate()
        .withNewTemplate().withNewSpec().endSpec().endTemplate().endSpec().build();
    DaemonSet ds = new DaemonSetBuilder().withNewMetadata().withName("agent").endMetadata().withNewSpec().withNewTemplate()
        .withNewMetadata().addToAnnotations("other", "kept").endMetadata()
        .withNewSpec().addNewVolume().withName("state").withNewEmptyDir().endEmptyDir().endVolume().endSpec()
        .endTemplate().endSpec().build();

    Deployment d2 = VolumeBackups.backupVolumes(d, "uploads");
    StatefulSet s2 = VolumeBackups.backupVolumes(s, "data");
    DaemonSet ds2 = VolumeBackups.backupVolumes(ds, "state");

    assertThat(d2.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry(VolumeBackups.ANNOTATION, "uploads");
    assertThat(d2.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(s2.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry(VolumeBackups.ANNOTATION, "data");
    assertThat(ds2.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry(VolumeBackups.ANNOTATION, "state").containsEntry("other", "kept");
  }

  @Test
  void rejectsAVolumeThePodDoesNotHaveListingThoseItHas() {
    assertThatThrownBy(() -> VolumeBackups.backupVolumes(pod(), "dta"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("volume 'dta' is not a volume of Pod test/db-0; its volumes are [data, cache]");
  }

  @Test
  void rejectsKindsWithoutPodsAndCallsWithoutVolumes() {
    assertThatThrownBy(() -> VolumeBackups.backupVolumes(new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata()
        .build(), "data")).hasMessage("ConfigMap c has no pod template; annotate a Pod, Deployment, StatefulSet or DaemonSet");
    assertThatThrownBy(() -> VolumeBackups.backupVolumes(pod())).hasMessageContaining("needs at least one volume name");
  }
}
