package errand.api.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.mock;
import static org.mockito.BDDMockito.willAnswer;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import errand.api.MigratedDatabase;
import errand.api.jobs.ScheduledJobs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Firing on a real PostgreSQL with a fixed clock: two firers (two API instances) claiming the same due schedules at
 * once record each fire time once and enqueue one job for it, and a fire time fired again enqueues nothing; fire
 * times count as missed only when no instance swept while they passed.
 */
class ScheduleFiringIntegrationTests {

    private static final int SCHEDULES = 200;
    private static final Instant FIRST = Instant.parse("2026-06-01T10:00:00Z");
    private static final SchedulesProperties PROPERTIES = new SchedulesProperties(Duration.ofMillis(250), 50,
            Duration.ofSeconds(10), Duration.ofHours(1), Duration.ofDays(30));

    @RegisterExtension
    static final MigratedDatabase database = new MigratedDatabase();

    private static JdbcTemplate jdbc;
    private static TransactionTemplate transactions;
    private final Queue<ScheduledJobs.ScheduledJob> enqueued = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final ScheduledJobs jobs = mock(ScheduledJobs.class);

    @BeforeAll
    static void connect() {
        jdbc = database.jdbc();
        transactions = database.transactions();
    }

    @BeforeEach
    void everySecondSchedulesDueSinceFirst() {
        jdbc.update("delete from schedules");
        jdbc.update("delete from schedule_sweeps");
        jdbc.update("delete from schedule_outages");
        jdbc.update("""
                insert into schedules (id, tenant, name, cron, time_zone, job, overlap, missed, paused, next_fire_at,
                                       created_at, updated_at)
                select gen_random_uuid(), 'default', 'every second ' || n, '* * * * * *', 'UTC',
                       '{"type":"echo","payload":{},"timeout":"PT1M","maxAttempts":3}', 'ALLOW', 'LATEST', false,
                       ?, now(), now()
                from generate_series(1, ?) as n""", Timestamp.from(FIRST), SCHEDULES);
        willAnswer(call -> {
            List<ScheduledJobs.ScheduledJob> batch = call.getArgument(0);
            enqueued.addAll(batch);
            return null;
        }).given(jobs).insertAll(any(), any());
    }

    @Test
    void twoInstancesFiringAtOnceRecordEachFireTimeOnceAndEnqueueOneJobForIt() {
        // 10:00:00, :01 and :02 have passed for every schedule
        Clock clock = Clock.fixed(FIRST.plusMillis(2200), ZoneOffset.UTC);

        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> firing(clock).fireDue());
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> firing(clock).fireDue());
        a.join();
        b.join();

        assertThat(count("select count(*) from schedule_runs where outcome = 'ENQUEUED'")).isEqualTo(SCHEDULES * 3);
        assertThat(enqueued).hasSize(SCHEDULES * 3);
        assertThat(enqueued.stream().map(job -> job.scheduleId() + "@" + job.scheduledFor())).doesNotHaveDuplicates();
        assertThat(count("select count(*) from schedules where next_fire_at = '2026-06-01T10:00:03Z'"))
                .isEqualTo(SCHEDULES);
        assertThat(wakeUps.get()).isPositive();
    }

    @Test
    void aFireTimeFiredAgainEnqueuesNothing() {
        Clock clock = Clock.fixed(FIRST.plusMillis(200), ZoneOffset.UTC);
        firing(clock).fireDue();
        assertThat(enqueued).hasSize(SCHEDULES);

        // a plan that fell back to a fire time already recorded, as a second firer with a stale read would have it
        jdbc.update("update schedules set next_fire_at = ?", Timestamp.from(FIRST));
        firing(clock).fireDue();

        assertThat(enqueued).hasSize(SCHEDULES);
        assertThat(count("select count(*) from schedule_runs")).isEqualTo(SCHEDULES);
    }

    @Test
    void fireTimesTheInstancesWereOnlyLateForFireEvenForMissedNone() {
        jdbc.update("update schedules set missed = 'NONE'");
        // another instance swept a second ago, but was busy: 30 s of fire times are still unfired
        sweptAt(FIRST.plusSeconds(29));

        firing(Clock.fixed(FIRST.plusMillis(30_200), ZoneOffset.UTC)).fireDue();

        assertThat(count("select count(*) from schedule_runs where outcome = 'ENQUEUED'")).isEqualTo(SCHEDULES * 31);
        assertThat(count("select count(*) from schedule_runs where outcome <> 'ENQUEUED'")).isZero();
    }

    @Test
    void fireTimesThatPassedWhileNoInstanceSweptAreMissed() {
        jdbc.update("update schedules set missed = 'NONE'");
        // the last sweep was before the fire times: every instance was down since
        sweptAt(FIRST.minusSeconds(1));

        firing(Clock.fixed(FIRST.plusMillis(30_200), ZoneOffset.UTC)).fireDue();

        // missed-after is 10 s: :21 to :30 are on time, :00 to :20 passed during the outage
        assertThat(count("select count(*) from schedule_runs where outcome = 'ENQUEUED'")).isEqualTo(SCHEDULES * 10);
        assertThat(count("select count(*) from schedule_runs where outcome = 'SKIPPED_MISSED'"))
                .isEqualTo(SCHEDULES * 21);
    }

    private static void sweptAt(Instant at) {
        jdbc.update("insert into schedule_sweeps (instance, swept_at) values (gen_random_uuid(), ?)",
                Timestamp.from(at));
    }

    private ScheduleFiring firing(Clock clock) {
        return new ScheduleFiring(new ScheduleStore(jdbc), jobs, transactions, wakeUps::incrementAndGet, PROPERTIES,
                new ScheduleMetrics(new SimpleMeterRegistry(), PROPERTIES), clock);
    }

    private static long count(String sql) {
        Long count = jdbc.queryForObject(sql, Long.class);
        return count == null ? 0 : count;
    }
}
