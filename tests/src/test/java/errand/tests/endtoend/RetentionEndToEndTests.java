package errand.tests.endtoend;

import static errand.tests.support.JobFixtures.aFailingJob;
import static errand.tests.support.JobFixtures.anEchoJobNumbered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.PrometheusScrape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retention with short settings: terminal jobs go, with their attempts, once finished longer than their status's
 * retention; a deleted job answers 404 and its idempotency key is free again; unfinished jobs stay.
 */
class RetentionEndToEndTests {

    private static final Duration SHORT = Duration.ofSeconds(60);

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withOneWorker()
            .apiArguments("--errand.api.retention.succeeded=PT5S", "--errand.api.retention.failed=PT5S",
                    "--errand.api.retention.cancelled=PT5S", "--errand.api.retention.interval=PT1S",
                    "--errand.api.retention.batch-size=2");

    private static ErrandClient api() {
        return platform.api();
    }

    @Test
    void terminalJobsAreDeletedWithTheirAttemptsOnceTheirRetentionPassed() throws SQLException {
        UUID succeeded = api().submit(anEchoJobNumbered(1)).jobId();
        UUID failed = api().submit(aFailingJob(5, false)).jobId();
        UUID cancelled = api().submit(anEchoJobNumbered(2).withDelay(Duration.ofHours(1))).jobId();
        assertThat(api().post(ErrandClient.JOBS + "/" + cancelled + "/cancel", "application/json", "", null)
                .status()).isEqualTo(202);
        for (UUID job : List.of(succeeded, failed)) {
            api().awaitTerminal(job, SHORT);
        }
        assertThat(rows("select count(*) from job_attempts where job_id = ?", succeeded)).isEqualTo(1);
        double deletedBefore = deletedTotal();

        for (UUID job : List.of(succeeded, failed, cancelled)) {
            await("job " + job + " deleted").atMost(SHORT).pollInterval(Duration.ofMillis(500))
                    .until(() -> api().get(job).status() == 404);
            assertThat(rows("select count(*) from jobs where id = ?", job)).isZero();
            assertThat(rows("select count(*) from job_attempts where job_id = ?", job)).isZero();
        }
        await("deletions counted").atMost(SHORT).until(() -> deletedTotal() >= deletedBefore + 3);
    }

    @Test
    void anIdempotencyKeyIsFreeAgainOnceItsJobIsGone() {
        String key = "nightly-" + UUID.randomUUID();
        UUID first = api().submit(anEchoJobNumbered(3), key).jobId();
        api().awaitTerminal(first, SHORT);

        await("job deleted").atMost(SHORT).pollInterval(Duration.ofMillis(500))
                .until(() -> api().get(first).status() == 404);
        ErrandClient.Response again = api().submit(anEchoJobNumbered(4), key);

        assertThat(again.status()).as("%s", again).isEqualTo(202);
        assertThat(again.jobId()).isNotEqualTo(first);
    }

    @Test
    void unfinishedJobsStay() {
        UUID waiting = api().submit(anEchoJobNumbered(5).withDelay(Duration.ofHours(1))).jobId();
        UUID finished = api().submit(anEchoJobNumbered(6)).jobId();
        api().awaitTerminal(finished, SHORT);

        await("a later job deleted").atMost(SHORT).pollInterval(Duration.ofMillis(500))
                .until(() -> api().get(finished).status() == 404);

        assertThat(api().job(waiting).path("status").asString()).isEqualTo("QUEUED");
    }

    private static double deletedTotal() {
        return PrometheusScrape.of(platform.apiProcess()).sum("errand_jobs_deleted_total");
    }

    private static long rows(String sql, UUID id) throws SQLException {
        return platform.services().queryLong(sql, id);
    }
}
