package errand.tests.endtoend;

import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import errand.tests.support.ErrandPlatform;
import errand.tests.support.PlatformApps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A measurement, not part of the default run (its name does not end in {@code Tests}): 10,000 schedules firing every
 * minute on two API instances, for three fire times. Run it with
 * {@code ERRAND_TEST_SERVICES=local ./mvnw -B -pl tests -am verify -Dtest=TenThousandSchedulesMeasurement
 * -Dsurefire.failIfNoSpecifiedTests=false}. The schedules are seeded with SQL (the API would validate each create,
 * which is not what is measured); each fire time's lateness is its job's creation (the firing transaction's time)
 * minus the fire time. It asserts one job per schedule and fire time, and writes the percentiles to
 * {@code tests/target/schedule-lateness.txt}.
 */
class TenThousandSchedulesMeasurement {

    private static final System.Logger LOG = System.getLogger(TenThousandSchedulesMeasurement.class.getName());
    private static final int SCHEDULES = 10_000;
    private static final int FIRE_TIMES = 3;

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withOneWorker();

    @BeforeAll
    static void startTheSecondApi() {
        platform.startAnotherApi();
    }

    @Test
    void tenThousandSchedulesEveryMinuteFireOnTime() throws Exception {
        // from the second minute boundary on, so that seeding is long done when the first fire time comes
        Instant first = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(2));
        seed(first);
        Instant last = first.plus(Duration.ofMinutes(FIRE_TIMES - 1));

        await("every schedule fired " + FIRE_TIMES + " times").atMost(ofMinutes(FIRE_TIMES + 4))
                .pollInterval(Duration.ofSeconds(5))
                .until(() -> count("select count(*) from schedule_runs where scheduled_for <= ?", last)
                        == (long) SCHEDULES * FIRE_TIMES);

        assertThat(count("select count(*) from jobs where schedule_id is not null and scheduled_for <= ?", last))
                .as("jobs").isEqualTo((long) SCHEDULES * FIRE_TIMES);
        assertThat(count("select count(distinct (schedule_id, scheduled_for)) from jobs where scheduled_for <= ?",
                last)).as("distinct (schedule, fire time) of the jobs").isEqualTo((long) SCHEDULES * FIRE_TIMES);
        assertThat(count("select count(*) from schedule_runs where outcome <> 'ENQUEUED' and scheduled_for <= ?",
                last)).as("fire times not enqueued").isZero();
        String report = lateness(last);
        LOG.log(System.Logger.Level.INFO, report);
        Files.writeString(PlatformApps.repoRoot().resolve("tests/target/schedule-lateness.txt"), report,
                StandardCharsets.UTF_8);
    }

    private static void seed(Instant first) throws SQLException {
        try (Connection connection = platform.services().openDatabase();
                PreparedStatement insert = connection.prepareStatement("""
                        insert into schedules (id, tenant, name, cron, time_zone, job, overlap, missed, paused,
                                               next_fire_at, created_at, updated_at)
                        select gen_random_uuid(), 'default', 'every minute ' || n, '* * * * *', 'UTC',
                               jsonb_build_object('type', 'echo', 'payload', jsonb_build_object('n', n),
                                                  'timeout', 'PT1M', 'maxAttempts', 3),
                               'ALLOW', 'LATEST', false, ?, now(), now()
                        from generate_series(1, ?) as n""")) {
            insert.setTimestamp(1, Timestamp.from(first));
            insert.setInt(2, SCHEDULES);
            insert.executeUpdate();
        }
    }

    private static long count(String sql, Instant until) throws SQLException {
        try (Connection connection = platform.services().openDatabase();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setTimestamp(1, Timestamp.from(until));
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Lateness percentiles per fire time and overall, in milliseconds. */
    private static String lateness(Instant until) throws SQLException {
        StringBuilder report = new StringBuilder(SCHEDULES + " schedules, every minute, two API instances, "
                + FIRE_TIMES + " fire times; lateness = job created - fire time, ms\n");
        String percentiles = """
                percentile_cont(array[0.5, 0.95, 0.99]) within group (order by ms) as p, max(ms) as max, count(*) as n
                """;
        try (Connection connection = platform.services().openDatabase();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("""
                        with late as (select scheduled_for,
                                             (extract(epoch from created_at - scheduled_for) * 1000)::float8 as ms
                                      from jobs where schedule_id is not null and scheduled_for <= '%s')
                        select scheduled_for::text as at, %s from late group by scheduled_for
                        union all select 'all', %s from late order by 1""".formatted(until, percentiles,
                        percentiles))) {
            while (rs.next()) {
                Double[] p = (Double[]) rs.getArray("p").getArray();
                report.append("%s: p50 %.0f, p95 %.0f, p99 %.0f, max %.0f (%d jobs)%n".formatted(rs.getString("at"),
                        p[0], p[1], p[2], rs.getDouble("max"), rs.getLong("n")));
            }
        }
        return report.toString();
    }
}
