package errand.api.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import errand.api.MigratedDatabase;
import errand.model.Failure;
import errand.model.JobEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.node.JsonNodeFactory;

/** The event-application state machine on a real PostgreSQL with the Flyway schema. */
class EventApplierIntegrationTests {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @RegisterExtension
    static final MigratedDatabase database = new MigratedDatabase();

    private static JdbcTemplate jdbc;
    private static EventApplier applier;

    @BeforeAll
    static void connect() {
        jdbc = database.jdbc();
        var transactions = database.transactions();
        applier = new EventApplier(jdbc, transactions);
    }

    @Test
    void recordsStartAndSuccessOfAnAttempt() {
        UUID job = aQueuedJob();

        applier.applyAll(List.of(started(job, 1), succeeded(job, 1, 42)));

        assertThat(row(job)).containsEntry("status", "SUCCEEDED").containsEntry("attempts", 1);
        assertThat(result(job)).isEqualTo("{\"count\": 42}");
        assertThat(attemptStatuses(job)).containsExactly("SUCCEEDED");
    }

    @Test
    void ignoresADuplicateResult() {
        UUID job = aQueuedJob();
        applier.applyAll(List.of(started(job, 1), succeeded(job, 1, 1)));

        List<JobEvent> changed = applier.applyAll(List.of(succeeded(job, 1, 2), started(job, 1))).changed();

        assertThat(changed).isEmpty();
        assertThat(result(job)).isEqualTo("{\"count\": 1}");
        assertThat(row(job)).containsEntry("status", "SUCCEEDED");
    }

    @Test
    void appliesAResultThatOvertookItsStartEvent() {
        UUID job = aQueuedJob();

        applier.applyAll(List.of(succeeded(job, 1, 7)));
        applier.applyAll(List.of(started(job, 1)));

        assertThat(row(job)).containsEntry("status", "SUCCEEDED");
        assertThat(row(job).get("started_at")).isEqualTo(Timestamp.from(T0));
    }

    @Test
    void neverLetsALateFailureOverwriteASuccess() {
        UUID job = aQueuedJob();
        applier.applyAll(List.of(started(job, 1), succeeded(job, 1, 3)));

        applier.applyAll(List.of(failed(job, 1, false)));

        assertThat(row(job)).containsEntry("status", "SUCCEEDED");
        assertThat(attemptStatuses(job)).containsExactly("SUCCEEDED");
    }

    @Test
    void movesAFailedAttemptWithRetryToRetryingAndFencesTheOldAttempt() {
        UUID job = aQueuedJob();
        applier.applyAll(List.of(started(job, 1), failed(job, 1, true)));

        assertThat(row(job)).containsEntry("status", "RETRYING").containsEntry("attempt", 2);

        applier.applyAll(List.of(succeeded(job, 1, 99)));
        assertThat(row(job)).containsEntry("status", "RETRYING");

        applier.applyAll(List.of(started(job, 2), succeeded(job, 2, 5)));
        assertThat(row(job)).containsEntry("status", "SUCCEEDED").containsEntry("attempts", 2);
        assertThat(result(job)).isEqualTo("{\"count\": 5}");
        assertThat(attemptStatuses(job)).containsExactly("FAILED", "SUCCEEDED");
    }

    @Test
    void appliesASecondRetryThatOvertookTheStartOfItsAttempt() {
        UUID job = aQueuedJob();
        applier.applyAll(List.of(started(job, 1), failed(job, 1, true)));

        applier.applyAll(List.of(failed(job, 2, true)));
        applier.applyAll(List.of(started(job, 2)));

        assertThat(row(job)).containsEntry("status", "RETRYING").containsEntry("attempt", 3);
        applier.applyAll(List.of(started(job, 3), succeeded(job, 3, 9)));
        assertThat(row(job)).containsEntry("status", "SUCCEEDED").containsEntry("attempts", 3);
    }

    @Test
    void ignoresAStaleAttemptThatComesBackAfterANewerOneSucceeded() {
        UUID job = aQueuedJob();
        applier.applyAll(List.of(started(job, 1), failed(job, 1, true), started(job, 2), succeeded(job, 2, 8)));

        applier.applyAll(List.of(started(job, 1), failed(job, 1, false), succeeded(job, 1, 666)));

        assertThat(row(job)).containsEntry("status", "SUCCEEDED");
        assertThat(result(job)).isEqualTo("{\"count\": 8}");
    }

    @Test
    void failsTheJobForGoodWhenNoRetryIsScheduled() {
        UUID job = aQueuedJob();

        applier.applyAll(List.of(started(job, 1), failed(job, 1, false)));

        assertThat(row(job)).containsEntry("status", "FAILED").containsEntry("attempt", 1);
        assertThat((String) jdbc.queryForObject("select error::text from jobs where id = ?", String.class, job))
                .contains("\"type\": \"Boom\"");
    }

    @Test
    void keepsACancelledJobCancelledWhateverItsWorkerReports() {
        UUID job = aQueuedJob();
        applier.applyAll(List.of(started(job, 1)));
        jdbc.update("update jobs set status = 'CANCELLED' where id = ?", job);

        applier.applyAll(List.of(progress(job, 1, 0.9), succeeded(job, 1, 4)));

        assertThat(row(job)).containsEntry("status", "CANCELLED");
        assertThat(jdbc.queryForObject("select result is null from jobs where id = ?", Boolean.class, job)).isTrue();
    }

    @Test
    void recordsTheWorkersReportOfACancelledAttemptSoTheCancelIsNoLongerRepeated() {
        UUID job = aQueuedJob();
        applier.applyAll(List.of(started(job, 1)));
        jdbc.update("update jobs set status = 'CANCELLED', finished_at = now() where id = ?", job);
        JobEvent stopped = new JobEvent.Failed(job, 1, "worker-1", T0, T0.plusSeconds(1),
                new Failure(Failure.CANCELLED, "cancelled on request", false), null);

        List<JobEvent> changed = applier.applyAll(List.of(stopped)).changed();

        assertThat(changed).isEmpty();
        assertThat(row(job)).containsEntry("status", "CANCELLED");
        assertThat(attemptStatuses(job)).containsExactly("CANCELLED");
        assertThat(jdbc.queryForObject("select error ->> 'type' from job_attempts where job_id = ?", String.class,
                job)).isEqualTo(Failure.CANCELLED);
    }

    @Test
    void recordsTheWorkersReportOfACancelledAttemptThatArrivesAfterTheJobWasRetried() {
        UUID job = aQueuedJob();
        applier.applyAll(List.of(started(job, 1)));
        jdbc.update("update jobs set status = 'CANCELLED', finished_at = now() where id = ?", job);
        // POST /retry before the worker's report came in
        jdbc.update("update jobs set status = 'QUEUED', attempt = attempt + 1, finished_at = null where id = ?", job);
        JobEvent stopped = new JobEvent.Failed(job, 1, "worker-1", T0, T0.plusSeconds(1),
                new Failure(Failure.CANCELLED, "cancelled on request", false), null);

        List<JobEvent> changed = applier.applyAll(List.of(stopped)).changed();

        assertThat(changed).isEmpty();
        assertThat(row(job)).containsEntry("status", "QUEUED").containsEntry("attempt", 2);
        assertThat(attemptStatuses(job)).containsExactly("CANCELLED");
    }

    @Test
    void recordsAnAttemptStoppedByACancelBeforeItsStartWasReported() {
        UUID job = aQueuedJob();
        jdbc.update("update jobs set status = 'CANCELLED', finished_at = now() where id = ?", job);
        JobEvent lateStart = started(job, 1);
        JobEvent stopped = new JobEvent.Failed(job, 1, "worker-1", T0, T0.plusSeconds(1),
                new Failure(Failure.CANCELLED, "cancelled on request", false), null);

        List<JobEvent> changed = applier.applyAll(List.of(lateStart, stopped)).changed();

        assertThat(changed).isEmpty();
        assertThat(row(job)).containsEntry("status", "CANCELLED");
        assertThat(jdbc.queryForMap("select worker_id, status, started_at from job_attempts where job_id = ?", job))
                .containsEntry("worker_id", "worker-1").containsEntry("status", "CANCELLED")
                .containsEntry("started_at", Timestamp.from(T0));
    }

    @Test
    void keepsTheRecordOfAnAttemptThatEndedOtherwiseWhenAStaleCancelReportArrives() {
        UUID job = aQueuedJob();
        applier.applyAll(List.of(started(job, 1), failed(job, 1, true)));
        jdbc.update("update jobs set status = 'CANCELLED', finished_at = now() where id = ?", job);

        applier.applyAll(List.of(new JobEvent.Failed(job, 1, "worker-1", T0, T0.plusSeconds(1),
                new Failure(Failure.CANCELLED, "cancelled on request", false), null)));

        assertThat(attemptStatuses(job)).containsExactly("FAILED");
    }

    @Test
    void leavesTheAttemptOfAJobThatWasNotCancelledToTheJobsOwnTransitions() {
        UUID job = aQueuedJob();
        applier.applyAll(List.of(started(job, 1)));

        applier.applyAll(List.of(new JobEvent.Failed(job, 1, "worker-1", T0, T0.plusSeconds(1),
                new Failure(Failure.CANCELLED, "cancelled on request", false), null)));

        assertThat(row(job)).containsEntry("status", "FAILED");
        assertThat(attemptStatuses(job)).containsExactly("FAILED");
    }

    @Test
    void recordsProgressOnlyWhileRunningAndNeverBackwards() {
        UUID job = aQueuedJob();
        applier.applyAll(List.of(started(job, 1), progress(job, 1, 0.6), progress(job, 1, 0.3)));

        assertThat(jdbc.queryForObject("select (progress ->> 'fraction')::float8 from jobs where id = ?",
                Double.class, job)).isEqualTo(0.6);

        applier.applyAll(List.of(succeeded(job, 1, 1), progress(job, 1, 0.8)));
        assertThat(jdbc.queryForObject("select (progress ->> 'fraction')::float8 from jobs where id = ?",
                Double.class, job)).isEqualTo(0.6);
    }

    @Test
    void recordsExactlyOneTerminalOutcomePerJobInABatchOfDuplicates() {
        List<UUID> jobs = List.of(aQueuedJob(), aQueuedJob(), aQueuedJob());
        List<JobEvent> events = jobs.stream()
                .flatMap(id -> List.of(started(id, 1), succeeded(id, 1, 1), started(id, 1), succeeded(id, 1, 2),
                        failed(id, 1, false)).stream())
                .toList();

        List<JobEvent> changed = applier.applyAll(events).changed();

        assertThat(changed).hasSize(6).allMatch(e -> e.equals(events.get(events.indexOf(e))));
        for (UUID job : jobs) {
            assertThat(row(job)).containsEntry("status", "SUCCEEDED");
            assertThat(result(job)).isEqualTo("{\"count\": 1}");
        }
    }

    @Test
    void keepsTheFirstOfTwoOutcomesOfOneAttemptThatArriveSideBySide() {
        UUID twice = aQueuedJob();
        UUID once = aQueuedJob();
        List<JobEvent> events = List.of(succeeded(twice, 1, 1), succeeded(once, 1, 5), succeeded(twice, 1, 2));

        List<JobEvent> changed = applier.applyAll(events).changed();

        assertThat(changed).containsExactly(events.get(0), events.get(1));
        assertThat(result(twice)).isEqualTo("{\"count\": 1}");
        assertThat(result(once)).isEqualTo("{\"count\": 5}");
        assertThat(jdbc.queryForObject("select count(*) from job_attempts where job_id = ? and status = 'SUCCEEDED'",
                Integer.class, twice)).isEqualTo(1);
    }

    @Test
    void readsTheTypeAndAcceptanceTimeOfEveryJobTheBatchNamesForTheMetrics() {
        UUID succeeding = aQueuedJob();
        UUID staleEventOnly = aQueuedJob();
        Instant accepted = jdbc.queryForObject("select created_at from jobs where id = ?", Timestamp.class,
                succeeding).toInstant();

        EventApplier.Applied applied = applier.applyAll(List.of(succeeded(succeeding, 1, 3),
                started(staleEventOnly, 2)));

        assertThat(applied.changed()).hasSize(1);
        assertThat(applied.jobs()).containsOnlyKeys(succeeding, staleEventOnly)
                .containsEntry(succeeding, new EventApplier.JobFacts("prime-count", accepted));
    }

    /**
     * The statistics of a store are often taken while every job in it is finished. A burst that follows must not
     * make the outcomes' statement scan the table and compare every job with every outcome.
     */
    @Test
    void appliesABurstsOutcomesThroughThePrimaryKeyWhenTheStatisticsCountNoOpenJob() throws SQLException {
        jdbc.update("""
                insert into jobs (id, type, status, payload, max_attempts, timeout_ms, created_at, publish_after,
                                  updated_at)
                select gen_random_uuid(), 'echo', 'SUCCEEDED', '{}', 1, 1000, now(), now(), now()
                from generate_series(1, 3000)""");
        jdbc.execute("analyze jobs");
        List<UUID> queued = jdbc.queryForList("""
                insert into jobs (id, type, status, payload, max_attempts, timeout_ms, created_at, publish_after,
                                  updated_at)
                select gen_random_uuid(), 'echo', 'QUEUED', '{}', 1, 1000, now(), now(), now()
                from generate_series(1, 250)
                returning id""", UUID.class);
        jdbc.update("delete from job_outbox where job_id = any(?)", (Object) queued.toArray(UUID[]::new));
        List<JobEvent.Succeeded> burst = queued.stream().map(id -> (JobEvent.Succeeded) succeeded(id, 1, 1)).toList();

        String plan;
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement explain = EventApplier.prepareSucceeded(connection,
                        "explain " + EventApplier.SUCCEEDED, burst);
                ResultSet lines = explain.executeQuery()) {
            StringBuilder text = new StringBuilder();
            while (lines.next()) {
                text.append(lines.getString(1)).append('\n');
            }
            plan = text.toString();
        }

        assertThat(plan).as(plan).doesNotContain("Seq Scan on jobs").contains("Index Scan using jobs_pkey on jobs");
        assertThat(applier.applyAll(List.copyOf(burst)).changed()).hasSize(queued.size());
        assertThat(burst).allSatisfy(outcome -> assertThat(row(outcome.jobId())).containsEntry("status", "SUCCEEDED"));
    }

    private static UUID aQueuedJob() {
        UUID id = UUID.randomUUID();
        jdbc.update("""
                insert into jobs (id, type, status, payload, max_attempts, timeout_ms, created_at, publish_after,
                                  updated_at)
                values (?, 'prime-count', 'QUEUED', '{"upTo": 10}', 3, 60000, now(), now(), now())""", id);
        jdbc.update("delete from job_outbox where job_id = ?", id); // published
        return id;
    }

    private static Map<String, Object> row(UUID job) {
        return jdbc.queryForMap("select status, attempt, attempts, started_at from jobs where id = ?", job);
    }

    private static String result(UUID job) {
        return jdbc.queryForObject("select result::text from jobs where id = ?", String.class, job);
    }

    private static List<String> attemptStatuses(UUID job) {
        return jdbc.queryForList("select status from job_attempts where job_id = ? order by attempt", String.class,
                job);
    }

    private static JobEvent started(UUID job, int attempt) {
        return new JobEvent.Started(job, attempt, "worker-" + attempt, T0);
    }

    private static JobEvent progress(UUID job, int attempt, double fraction) {
        return new JobEvent.Progress(job, attempt, "worker-" + attempt, T0, fraction, "working");
    }

    private static JobEvent succeeded(UUID job, int attempt, int count) {
        return new JobEvent.Succeeded(job, attempt, "worker-" + attempt, T0, T0.plusSeconds(1),
                JsonNodeFactory.instance.objectNode().put("count", count));
    }

    private static JobEvent failed(UUID job, int attempt, boolean willRetry) {
        return new JobEvent.Failed(job, attempt, "worker-" + attempt, T0, T0.plusSeconds(1),
                new Failure("Boom", "it broke", willRetry), willRetry ? T0.plusSeconds(2) : null);
    }
}
