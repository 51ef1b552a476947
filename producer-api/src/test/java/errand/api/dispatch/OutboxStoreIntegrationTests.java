package errand.api.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import errand.api.MigratedDatabase;
import errand.model.JobMessage;
import errand.model.WireJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.SQLWarningException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/** The relay's outbox on a real PostgreSQL: claim, mark, cancels and pruning, with concurrent transactions. */
class OutboxStoreIntegrationTests {

    @RegisterExtension
    static final MigratedDatabase database = new MigratedDatabase();

    private static JdbcTemplate jdbc;
    private static TransactionTemplate transactions;
    private static OutboxStore store;

    @BeforeAll
    static void connect() {
        jdbc = database.jdbc();
        transactions = database.transactions();
        store = new OutboxStore(jdbc);
    }

    @BeforeEach
    void emptyStore() {
        jdbc.update("truncate jobs, job_outbox cascade");
    }

    @Test
    void twoRelaysInARoundAtOnceClaimDifferentJobs() {
        List<UUID> jobs = Stream.generate(() -> anUnpublishedJob(1)).limit(4).toList();

        List<UUID> both = transactions.execute(tx -> {
            List<UUID> first = idsOf(store.claimDue(2, Instant.now()));
            List<UUID> second = CompletableFuture.supplyAsync(() -> transactions.execute(
                    other -> idsOf(store.claimDue(10, Instant.now())))).join();
            assertThat(second).hasSize(2).doesNotContainAnyElementsOf(first);
            return Stream.concat(first.stream(), second.stream()).toList();
        });

        assertThat(both).containsExactlyInAnyOrderElementsOf(jobs);
    }

    @Test
    void leavesAClaimedJobsRowFreeForItsOutcomeWhileTheRoundIsPublished() {
        UUID job = anUnpublishedJob(1);

        transactions.executeWithoutResult(tx -> {
            assertThat(idsOf(store.claimDue(10, Instant.now()))).containsExactly(job);
            Integer updated = CompletableFuture.supplyAsync(() -> transactions.execute(other -> {
                jdbc.queryForList("select id from jobs where id = ? for update nowait", job);
                return jdbc.update("update jobs set status = 'SUCCEEDED', finished_at = now() where id = ?", job);
            })).join();
            assertThat(updated).isEqualTo(1);
            store.markPublished(List.of(message(job, 1)));
        });

        assertThat(outboxRowsOf(job)).isZero();
    }

    @Test
    void marksOnlyTheAttemptTheBrokerConfirmed() {
        UUID retriedSinceItsClaim = anUnpublishedJob(2);
        UUID confirmed = anUnpublishedJob(1);

        store.markPublished(List.of(message(retriedSinceItsClaim, 1), message(confirmed, 1)));

        assertThat(idsOf(store.claimDue(10, Instant.now()))).containsExactly(retriedSinceItsClaim);
    }

    @Test
    void aJobCancelledBeforeItWasPublishedLeavesTheOutbox() {
        UUID cancelled = anUnpublishedJob(1);

        jdbc.update("update jobs set status = 'CANCELLED', finished_at = now() where id = ?", cancelled);

        assertThat(outboxRowsOf(cancelled)).isZero();
        assertThat(store.claimDue(10, Instant.now())).isEmpty();
    }

    @Test
    void aJobRetriedAfterItsCancelWaitsToBePublishedAsItsNextAttempt() {
        UUID job = anUnpublishedJob(1);
        jdbc.update("update jobs set status = 'CANCELLED', finished_at = now() where id = ?", job);

        jdbc.update("update jobs set status = 'QUEUED', attempt = attempt + 1, finished_at = null where id = ?", job);

        assertThat(store.claimDue(10, Instant.now())).singleElement()
                .satisfies(entry -> assertThat(entry.message().attempt()).isEqualTo(2));
    }

    @Test
    void aCancelDoesNotWaitForTheRelayDeletingTheJobsRow() {
        UUID job = anUnpublishedJob(1);

        transactions.executeWithoutResult(tx -> {
            assertThat(idsOf(store.claimDue(10, Instant.now()))).containsExactly(job);
            store.markPublished(List.of(message(job, 1)));
            Integer cancelled = CompletableFuture.supplyAsync(() -> transactions.execute(other -> {
                // fails the test instead of hanging it, should the cancel wait for this transaction
                jdbc.execute("set local lock_timeout = '10s'");
                return jdbc.update("update jobs set status = 'CANCELLED', finished_at = now() where id = ?", job);
            })).join();
            assertThat(cancelled).isEqualTo(1);
        });

        assertThat(outboxRowsOf(job)).isZero();
    }

    @Test
    void pruningDeletesOnlyTheRowsNoRelayWillClaim() {
        UUID finishedUnmarked = anUnpublishedJob(1);
        UUID waiting = anUnpublishedJob(1);
        assertThat(idsOf(store.claimDue(10, Instant.now()))).containsExactlyInAnyOrder(finishedUnmarked, waiting);
        jdbc.update("update jobs set status = 'SUCCEEDED', finished_at = now() where id = ?", finishedUnmarked);

        assertThat(store.pruneUnclaimable()).isOne();

        assertThat(outboxRowsOf(finishedUnmarked)).isZero();
        assertThat(idsOf(store.claimDue(10, Instant.now()))).containsExactly(waiting);
    }

    @Test
    void pruningLeavesRowsThatAreNotDueYetForALaterRound() {
        UUID delayedThenFinished = anUnpublishedJob(1);
        jdbc.update("update job_outbox set publish_after = now() + interval '1 hour' where job_id = ?",
                delayedThenFinished);
        jdbc.update("update jobs set status = 'SUCCEEDED', finished_at = now() where id = ?", delayedThenFinished);

        assertThat(store.pruneUnclaimable()).isZero();

        jdbc.update("update job_outbox set publish_after = now() - interval '1 second' where job_id = ?",
                delayedThenFinished);
        assertThat(store.pruneUnclaimable()).isOne();
    }

    /**
     * A relay polls an empty store for as long as it is idle. A plan cached then (a generic plan, made for an empty
     * table) looked each due job up with a scan of the whole table once a burst came. {@code auto_explain}, loaded in
     * the relay's own session, reports the plan of the claim it runs on the burst.
     */
    @Test
    void aBurstAfterAnIdleSpellIsClaimedThroughThePrimaryKey() throws SQLException {
        jdbc.execute("vacuum analyze jobs");
        jdbc.execute("vacuum analyze job_outbox");
        try (Connection session = database.dataSource().getConnection()) {
            JdbcTemplate relaySession = new JdbcTemplate(new SingleConnectionDataSource(session, true));
            OutboxStore relay = new OutboxStore(relaySession);
            for (int idleRound = 0; idleRound < 10; idleRound++) {
                assertThat(relay.claimDue(500, Instant.now())).isEmpty();
            }
            jdbc.update("""
                    insert into jobs (id, type, status, payload, max_attempts, timeout_ms, created_at, publish_after,
                                      updated_at)
                    select gen_random_uuid(), 'echo', 'QUEUED', '{}', 3, 60000, now(), now() - interval '1 second',
                           now()
                    from generate_series(1, 2000)""");
            MigratedDatabase.reportPlansAsNotices(session);
            relaySession.setIgnoreWarnings(false);

            assertThatThrownBy(() -> relay.claimDue(500, Instant.now()))
                    .isInstanceOfSatisfying(SQLWarningException.class, plan -> assertThat(
                            MigratedDatabase.notices(plan.getSQLWarning()))
                            .as("the claim's plan").contains("Index Scan using jobs_pkey on jobs")
                            .doesNotContain("Seq Scan on jobs"));
        }
    }

    private static int outboxRowsOf(UUID job) {
        Integer rows = jdbc.queryForObject("select count(*) from job_outbox where job_id = ?", Integer.class, job);
        return rows == null ? 0 : rows;
    }

    private static List<UUID> idsOf(List<OutboxStore.OutboxEntry> entries) {
        return entries.stream().map(entry -> entry.message().jobId()).toList();
    }

    private static JobMessage message(UUID job, int attempt) {
        return new JobMessage(job, "echo", attempt, 3, Duration.ofMinutes(1), WireJson.mapper().createObjectNode(),
                Instant.now());
    }

    private static UUID anUnpublishedJob(int attempt) {
        UUID id = UUID.randomUUID();
        jdbc.update("""
                insert into jobs (id, type, status, payload, attempt, max_attempts, timeout_ms, created_at,
                                  publish_after, updated_at)
                values (?, 'echo', 'QUEUED', '{}', ?, 3, 60000, now(), now() - interval '1 second', now())""",
                id, attempt);
        return id;
    }
}
