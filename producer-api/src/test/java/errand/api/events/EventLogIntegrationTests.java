package errand.api.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import errand.api.MigratedDatabase;
import errand.model.JobStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;

/** Staging, numbering, reading and expiring job events on a real PostgreSQL with the Flyway schema. */
class EventLogIntegrationTests {

    private static final EventFilter EVERYTHING = new EventFilter(null, null, null, false);

    @RegisterExtension
    static final MigratedDatabase database = new MigratedDatabase();

    private static JdbcTemplate jdbc;
    private static EventLog log;

    @BeforeAll
    static void connect() {
        jdbc = database.jdbc();
        log = new EventLog(jdbc);
    }

    @BeforeEach
    void numberWhatEarlierTestsLeft() {
        while (log.sequence(1000) > 0) {
            // drained
        }
    }

    @Test
    void aJobsStatusChangesAreNumberedInTheOrderTheyHappened() {
        UUID job = insertJob("default", "echo", null);
        setStatus(job, JobStatus.RUNNING);
        setStatus(job, JobStatus.SUCCEEDED);
        long before = log.horizon().lastSeq();

        assertThat(log.sequence(1000)).isEqualTo(3);

        List<JobEvent> events = log.between("default", before, log.horizon().lastSeq(), EVERYTHING, 100);
        assertThat(events).extracting(JobEvent::status)
                .containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED);
        assertThat(events).extracting(JobEvent::seq).containsExactly(before + 1, before + 2, before + 3);
        assertThat(events.getLast().result()).hasToString("{\"n\":1}");
    }

    @Test
    void aChangeThatCommitsLateIsNumberedAfterEverythingNumberedBeforeIt() throws SQLException {
        long before = log.horizon().lastSeq();
        UUID late;
        try (Connection slow = database.dataSource().getConnection()) {
            slow.setAutoCommit(false);
            late = insertJob(slow, "echo");
            UUID early = insertJob("default", "echo", null);
            assertThat(log.sequence(1000)).isEqualTo(1);
            long afterEarly = log.horizon().lastSeq();
            assertThat(log.between("default", before, afterEarly, EVERYTHING, 100))
                    .extracting(JobEvent::jobId).containsExactly(early);

            slow.commit();

            assertThat(log.sequence(1000)).isEqualTo(1);
            assertThat(log.between("default", afterEarly, log.horizon().lastSeq(), EVERYTHING, 100))
                    .extracting(JobEvent::jobId).containsExactly(late);
        }
    }

    @Test
    void roundsNeverPassAChangeOfTheNewestTransactionWhileItRuns() throws SQLException {
        long before = log.horizon().lastSeq();
        UUID late;
        try (Connection newest = database.dataSource().getConnection()) {
            newest.setAutoCommit(false);
            late = insertJob(newest, "echo");
            for (int round = 0; round < 3; round++) {
                log.sequence(1000);
            }
            newest.commit();
        }

        log.sequence(1000);

        assertThat(log.between("default", before, log.horizon().lastSeq(), EVERYTHING, 100))
                .extracting(JobEvent::jobId).containsExactly(late);
    }

    @Test
    void roundsNeverPassAChangeStillUncommittedAndStartAboveOneRolledBack() throws SQLException {
        long before = log.horizon().lastSeq();
        try (Connection committing = database.dataSource().getConnection();
                Connection rollingBack = database.dataSource().getConnection()) {
            committing.setAutoCommit(false);
            rollingBack.setAutoCommit(false);
            UUID late = insertJob(committing, "echo");
            UUID abandoned = insertJob(rollingBack, "echo");
            long abandonedStagedAs = stagedIdOf(rollingBack, abandoned);
            UUID early = insertJob("default", "echo", null);
            for (int round = 0; round < 3; round++) {
                log.sequence(1000);
            }
            assertThat(inboxFloor()).isLessThan(abandonedStagedAs);

            rollingBack.rollback();
            log.sequence(1000);
            committing.commit();

            // the floor rises once no transaction of the cluster older than the rounds' marks still runs
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                log.sequence(1000);
                assertThat(inboxFloor()).isGreaterThanOrEqualTo(abandonedStagedAs);
            });
            assertThat(log.between("default", before, log.horizon().lastSeq(), EVERYTHING, 100))
                    .extracting(JobEvent::jobId).containsExactly(early, late);
        }
    }

    @Test
    void onlyOneSequencerWorksAtATime() throws SQLException {
        insertJob("default", "echo", null);
        try (Connection other = database.dataSource().getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement lock = other.prepareStatement(
                    "select pg_advisory_xact_lock(hashtext('errand_job_event_sequencer'))")) {
                lock.execute();
            }

            assertThat(log.sequence(1000)).isEqualTo(EventLog.BUSY);

            other.rollback();
        }
        assertThat(log.sequence(1000)).isEqualTo(1);
    }

    /**
     * PL/pgSQL keeps a statement's plan for the session. One made while the inbox was empty once joined the inbox
     * with the round's own pick row by row, rereading the pick for every staged row: quadratic in a backlog.
     * {@code auto_explain}, loaded in this session only, reports the plans of the round's statements as notices.
     */
    @Test
    void aRoundOverABacklogReadsEachStagedRowOnceWhateverPlanTheSessionCached() throws SQLException {
        String plans;
        try (Connection session = database.dataSource().getConnection();
                Statement sql = session.createStatement()) {
            sql.execute("vacuum analyze job_event_inbox");
            for (int round = 0; round < 8; round++) {
                sql.execute("select sequence_job_events(1000)");
            }
            jdbc.update("""
                    insert into jobs (id, tenant, type, status, payload, max_attempts, timeout_ms, created_at,
                                      publish_after, updated_at)
                    select gen_random_uuid(), 'default', 'echo', 'QUEUED', '{}', 1, 1000, now(), now(), now()
                    from generate_series(1, 3000)""");
            MigratedDatabase.reportPlansAsNotices(session);

            try (ResultSet moved = sql.executeQuery("select sequence_job_events(1000)")) {
                moved.next();
                assertThat(moved.getInt(1)).isEqualTo(1000);
            }
            plans = MigratedDatabase.notices(sql.getWarnings());
        }

        assertThat(plans).contains("Delete on job_event_inbox");
        assertThat(Pattern.compile("loops=(\\d+)").matcher(plans).results().map(loops -> loops.group(1)))
                .as("how often each plan node ran, in %s", plans).isNotEmpty().containsOnly("1");
    }

    @Test
    void readsFilterByTenantTypeBatchAndOutcome() {
        long before = log.horizon().lastSeq();
        UUID batch = UUID.randomUUID();
        UUID inBatch = insertJob("default", "echo", batch);
        UUID failing = insertJob("default", "fail", null);
        UUID elsewhere = insertJob("other", "echo", null);
        setStatus(inBatch, JobStatus.SUCCEEDED);
        setStatus(failing, JobStatus.FAILED);
        log.sequence(1000);
        long upTo = log.horizon().lastSeq();

        assertThat(log.between("default", before, upTo, new EventFilter(null, batch, null, false), 100))
                .extracting(JobEvent::jobId).containsOnly(inBatch).hasSize(2);
        assertThat(log.between("default", before, upTo, new EventFilter("fail", null, null, true), 100))
                .extracting(JobEvent::status).containsExactly(JobStatus.FAILED);
        assertThat(log.between("default", before, upTo, EVERYTHING, 100))
                .extracting(JobEvent::jobId).doesNotContain(elsewhere);
        assertThat(log.between("other", before, upTo, EVERYTHING, 100))
                .extracting(JobEvent::jobId).containsExactly(elsewhere);
    }

    @Test
    void expiredEventsGoAndAClientBeforeThemCannotResume() {
        insertJob("default", "echo", null);
        log.sequence(1000);
        EventLog.Horizon numbered = log.horizon();
        long seenBefore = numbered.lastSeq() - 1;
        assertThat(numbered.canResumeAfter(seenBefore)).isTrue();

        jdbc.update("update job_events set sequenced_at = now() - interval '2 hours'");
        assertThat(log.expire(Duration.ofHours(1), 1)).isPositive();

        EventLog.Horizon expired = log.horizon();
        assertThat(jdbc.queryForObject("select count(*) from job_events", Long.class)).isZero();
        assertThat(expired.expiredThrough()).isEqualTo(numbered.lastSeq());
        assertThat(expired.canResumeAfter(seenBefore)).isFalse();
        assertThat(expired.canResumeAfter(numbered.lastSeq())).isTrue();
        assertThat(expired.canResumeAfter(numbered.lastSeq() + 1)).as("an id never sent").isFalse();
    }

    private static UUID insertJob(String tenant, String type, UUID batch) {
        UUID id = UUID.randomUUID();
        jdbc.update("""
                insert into jobs (id, tenant, type, status, payload, result, max_attempts, timeout_ms, created_at,
                                  publish_after, updated_at, batch_id)
                values (?, ?, ?, 'QUEUED', '{}', '{"n":1}', 1, 1000, now(), now(), now(), ?)""", id, tenant, type,
                batch);
        return id;
    }

    private static UUID insertJob(Connection connection, String type) throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into jobs (id, type, status, payload, max_attempts, timeout_ms, created_at, publish_after,
                                  updated_at)
                values (?, ?, 'QUEUED', '{}', 1, 1000, now(), now(), now())""")) {
            insert.setObject(1, id);
            insert.setString(2, type);
            insert.executeUpdate();
        }
        return id;
    }

    private static long stagedIdOf(Connection connection, UUID job) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select id from job_event_inbox where job_id = ?")) {
            select.setObject(1, job);
            try (var rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static long inboxFloor() {
        return jdbc.queryForObject("select inbox_floor from job_event_cursor", Long.class);
    }

    private static void setStatus(UUID job, JobStatus status) {
        jdbc.update("update jobs set status = ? where id = ?", status.name(), job);
    }
}
