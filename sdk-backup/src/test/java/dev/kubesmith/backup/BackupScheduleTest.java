package dev.kubesmith.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.backup.testing.Clusters;
import dev.kubesmith.spec.Problem;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BackupScheduleTest {
  @Test
  void fluentScheduleHasCronNamespacesAndTtlAsVeleroWritesIt() {
    BackupSchedule s = BackupSchedule.named("test-daily").daily().includeNamespaces("test").ttl(Duration.ofDays(7));

    assertThat(s.cronExpression().text()).isEqualTo("@daily");
    assertThat(s.namespaces()).containsExactly("test");
    assertThat(s.ttlText()).isEqualTo("168h0m0s");
  }

  @Test
  void parsesTheCommandLineFormAndReadsBackItsOwnOption() {
    BackupSchedule s = BackupSchedule.parse("name=test-daily,cron=@daily,namespaces=test;prod,ttl=168h");

    assertThat(s).isEqualTo(BackupSchedule.named("test-daily").daily().includeNamespaces("test", "prod").ttl(Duration.ofDays(7)));
    assertThat(BackupSchedule.parse(s.toOption())).isEqualTo(s);
  }

  @Test
  void keepsCommasInsideTheCronSchedule() {
    BackupSchedule s = BackupSchedule.parse("name=twice-weekly,cron=0 2 * * 1,4,ttl=72h30m");

    assertThat(s.cronExpression().text()).isEqualTo("0 2 * * 1,4");
    assertThat(s.ttl()).isEqualTo(Duration.ofHours(72).plusMinutes(30));
  }

  @Test
  void defaultsToThirtyDaysAndAllNamespaces() {
    BackupSchedule s = BackupSchedule.parse("name=all,cron=@hourly");

    assertThat(s.ttl()).isEqualTo(BackupSchedule.DEFAULT_TTL);
    assertThat(s.ttlText()).isEqualTo("720h0m0s");
    assertThat(s.namespaces()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "name=a,cron=@daily,namespace=test | unknown key 'namespace'; keys are [name, cron, namespaces, ttl]",
      "cron=@daily | has no name",
      "name=a | has no cron",
      "name=a,cron=@daily,ttl=7 days | ttl '7 days' is not a duration; write hours, minutes or seconds such as 168h",
      "name=a,cron=@daily,ttl=0h | ttl '0h' is zero",
      "name=Test_Daily,cron=@daily | schedule name 'Test_Daily' is not a DNS-1123 label",
      "name=a,cron=@daily,namespaces=test;;prod | namespace '' is empty",
      "name=a,name=b,cron=@daily | key 'name' is given twice",
      "name=a,cron=0 25 * * * | hour field '25' is out of range 0-23",
  })
  void rejectsBadScheduleOptionsNamingTheKeyAndTheFix(String option, String message) {
    assertThatThrownBy(() -> BackupSchedule.parse(option))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--schedule '" + option + "'")
        .hasMessageContaining(message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0 2 * * *", "*/15 * * * *", "0 0 1 JAN,JUL ?", "30 4 * * MON-FRI", "0 0-23/2 * * *",
      "@daily", "@hourly", "@weekly", "@monthly", "@yearly", "@annually", "@midnight", "@every 6h", "@every 1h30m"})
  void acceptsWhatVelerosCronParserAccepts(String cron) {
    assertThat(CronExpression.parse(cron).text()).isEqualTo(cron);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0 2 * *          | has 4 field(s), not 5",
      "0 0 2 * * *      | has 6 field(s), not 5 (Velero takes no seconds field)",
      "60 * * * *       | minute field '60' is out of range 0-59",
      "0 0 0 * *        | day-of-month field '0' is out of range 1-31",
      "0 0 * 13 *       | month field '13' is out of range 1-12",
      "0 0 * * 7        | day-of-week field '7' is out of range 0-6",
      "0 0 * * FUN      | day-of-week field 'FUN' is not a number or one of [SUN",
      "5-1 * * * *      | minute field '5-1' is a range whose start is after its end",
      "*/0 * * * *      | minute field '*/0' has a step of 0",
      "? * * * *        | minute field '?' '?' is allowed in day-of-month and day-of-week only",
      "@nightly         | is not a known descriptor",
      "@every 6 hours   | @every needs a Go duration such as '@every 6h'",
  })
  void rejectsBadCronSchedulesNamingTheFieldAndTheFix(String cron, String message) {
    assertThatThrownBy(() -> CronExpression.parse(cron))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message)
        .hasMessageContaining("0 2 * * *");
  }

  @Test
  void aTtlBelowOneSecondOrWithFractionsIsAProblemAndNotStored() {
    BackupSchedule s = BackupSchedule.named("a").daily();

    assertThat(s.ttl(Duration.ZERO).problems()).singleElement().asString().contains("ttl PT0S must be at least one second");
    assertThat(s.ttl(Duration.ofMillis(1500)).problems()).singleElement().asString().contains("in whole seconds");
    assertThat(s.ttl(Duration.ZERO).ttl()).isEqualTo(BackupSchedule.DEFAULT_TTL);
    assertThatThrownBy(() -> s.ttl(Duration.ZERO).requireValid()).hasMessageContaining("ttl PT0S must be at least one second");
  }

  @Test
  void settersOnlyStoreAndTheBuildReportsEveryBadValueOfAScheduleAtOnce() {
    // each of these threw on its own before; now none throws and validate lists all four
    BackupSchedule s = BackupSchedule.named("Bad_Name").cron("0 25 * * *").includeNamespaces("test", "test", "Prod!")
        .ttl(Duration.ofMillis(10));

    assertThat(s.problems()).hasSize(5);
    Velero v = Velero.minioOnNfs("nfs1", "/srv/backup").schedule(s);
    assertThat(v.validate(Clusters.singleMaster())).extracting(Problem::reason).satisfiesExactly(
        r -> assertThat(r).contains("schedule name 'Bad_Name' is not a DNS-1123 label"),
        r -> assertThat(r).contains("hour field '25' is out of range 0-23"),
        r -> assertThat(r).contains("namespace test is named twice"),
        r -> assertThat(r).contains("namespace 'Prod!' is not a DNS-1123 label"),
        r -> assertThat(r).contains("ttl PT0.01S must be at least one second"));
    assertThatThrownBy(() -> BackupSchedule.parse("name=Bad_Name,cron=0 25 * * *"))
        .hasMessageContaining("'Bad_Name' is not a DNS-1123 label").hasMessageContaining("hour field '25'");
  }

  @Test
  void aScheduleWithoutCronSaysHowToSetOne() {
    assertThatThrownBy(() -> BackupSchedule.named("a").cronExpression())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("call daily()");
  }

  @Test
  void parsesTtlsInHoursMinutesSecondsAndDays() {
    assertThat(BackupSchedule.parseTtl("168h0m0s")).isEqualTo(Duration.ofDays(7));
    assertThat(BackupSchedule.parseTtl("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(BackupSchedule.parseTtl("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThatThrownBy(() -> BackupSchedule.parseTtl("h")).hasMessageContaining("is not a duration");
    assertThatThrownBy(() -> BackupSchedule.parseTtl("1w")).hasMessageContaining("is not a duration");
  }
}
