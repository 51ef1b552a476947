package errand.tests.endtoend;

import static errand.tests.support.JobAssert.assertThatJob;
import static errand.tests.support.JobFixtures.aFailingJob;
import static errand.tests.support.JobFixtures.aSleepJob;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import errand.model.JobEvent;
import errand.model.JobStatus;
import errand.model.Topology;
import errand.tests.support.AppProcess;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandClient.Response;
import errand.tests.support.FaultPlatform;
import errand.tests.support.JobLedger;
import errand.tests.support.JobRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/jobs/{id}/retry} of a CANCELLED job runs it, whatever the job was doing when it was cancelled:
 * running, queued behind a busy slot, queued with no worker up, delayed, or waiting in RETRYING; and also after the
 * worker that heard the cancel was replaced. A cancel fences the attempt it was recorded on (and older ones), so the
 * retried attempt runs while a stale delivery of the cancelled one is dropped or stopped, never completed.
 *
 * <p>One worker process at a time, with a single {@code sleep} slot; {@code fail} retries wait in the 30 s tier, so
 * a job stays RETRYING long enough to cancel it.
 */
class RetryAfterCancelEndToEndTests {

    private static final Duration RETRY_WAIT = ofSeconds(30);

    @RegisterExtension
    static final FaultPlatform platform = FaultPlatform.withWorkers(1)
            .workerArguments("--errand.worker.concurrency.sleep=1",
                    "--errand.worker.retry-base-delay=" + RETRY_WAIT.toSeconds() + "s");

    private final ErrandClient api = platform.api();

    @BeforeEach
    void oneWorkerRuns() {
        if (platform.runningWorkers().isEmpty()) {
            platform.startWorker();
        }
    }

    @Test
    void runsRetriedJobAfterItWasCancelledWhileRunning() {
        UUID job = accept(aSleepJob(ofSeconds(5)));
        awaitRunning(job);
        cancel(job);
        await("the worker's report that it stopped attempt 1").atMost(ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> reportedCancelled(job, 1));

        retry(job);

        JsonNode done = api.awaitStatus(job, JobStatus.SUCCEEDED, ofSeconds(60));
        assertThatJob(done).hasAttempts(2);
        assertThat(attemptStatuses(job)).containsExactly("1 CANCELLED", "2 SUCCEEDED");
        assertThat(platform.ledger().completionsOf(job)).extracting(JobLedger.Execution::attempt).containsExactly(2);
    }

    @Test
    void runsRetriedJobAfterItWasCancelledWhileQueuedBehindABusySlot() {
        UUID busy = accept(aSleepJob(ofSeconds(4)));
        awaitRunning(busy);
        UUID job = accept(aSleepJob(Duration.ofMillis(300)));
        cancel(job);

        // Retried at once: attempt 1's delivery still waits in the queue, ahead of attempt 2.
        retry(job);

        api.awaitStatus(busy, JobStatus.SUCCEEDED, ofSeconds(60));
        JsonNode done = api.awaitStatus(job, JobStatus.SUCCEEDED, ofSeconds(60));
        assertThatJob(done).hasAttempts(2);
        assertThat(attemptStatuses(job)).containsExactly("2 SUCCEEDED");
        assertThat(platform.ledger().executionsOf(job)).as("runs of the job: attempt 1 was dropped unrun")
                .extracting(JobLedger.Execution::attempt).containsOnly(2);
        assertThat(platform.broker().queue(Topology.jobQueue("sleep")).messages()).isZero();
    }

    @Test
    void runsRetriedJobAfterItWasCancelledWhileDelayed() {
        UUID job = accept(aSleepJob(Duration.ofMillis(300)).withDelay(ofSeconds(30)));
        assertThatJob(api.job(job)).hasStatus(JobStatus.QUEUED);
        cancel(job);

        retry(job);

        JsonNode done = api.awaitStatus(job, JobStatus.SUCCEEDED, ofSeconds(60));
        assertThatJob(done).hasAttempts(2);
        assertThat(attemptStatuses(job)).containsExactly("2 SUCCEEDED");
        assertThat(platform.ledger().executionsOf(job)).extracting(JobLedger.Execution::attempt).containsOnly(2);
    }

    @Test
    void runsRetriedJobAfterItWasCancelledWhileRetryingAndDropsTheParkedAttempt() {
        UUID job = accept(aFailingJob(1, true));
        api.awaitStatus(job, JobStatus.RETRYING, ofSeconds(60));
        cancel(job);

        retry(job);

        JsonNode done = api.awaitStatus(job, JobStatus.SUCCEEDED, ofSeconds(60));
        assertThatJob(done).hasAttempts(3);
        assertThat(done.path("result").path("attempt").asInt()).as("result of %s", done).isEqualTo(3);
        assertThat(attemptStatuses(job)).containsExactly("1 FAILED", "3 SUCCEEDED");
        await("attempt 2, parked in the retry tier when the job was cancelled, back and dropped")
                .atMost(RETRY_WAIT.plusSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> platform.broker().queue(Topology.retryQueue(Topology.retryTierFor(RETRY_WAIT)))
                        .messages() == 0
                        && platform.broker().queue(Topology.jobQueue("fail")).messages() == 0);
        await("the parked attempt's delivery settled").during(ofSeconds(2)).atMost(ofSeconds(5))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> platform.broker().queue(Topology.jobQueue("fail")).messages() == 0);
        assertThat(platform.ledger().executionsOf(job)).as("runs of the job").extracting(JobLedger.Execution::attempt)
                .containsExactlyInAnyOrder(1, 3);
        assertThatJob(api.job(job)).hasStatus(JobStatus.SUCCEEDED);
    }

    @Test
    void runsRetriedJobOnAFreshWorkerAfterTheWorkerThatStoppedItWasReplaced() {
        UUID job = accept(aSleepJob(ofSeconds(5)));
        awaitRunning(job);
        cancel(job);
        await("the worker's report that it stopped attempt 1").atMost(ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> reportedCancelled(job, 1));
        AppProcess stopped = platform.runningWorkers().getFirst();
        stopped.stop();
        AppProcess fresh = platform.startWorker();

        retry(job);

        JsonNode done = api.awaitStatus(job, JobStatus.SUCCEEDED, ofSeconds(60));
        assertThatJob(done).hasAttempts(2);
        assertThat(platform.ledger().completionsOf(job)).singleElement().satisfies(run -> {
            assertThat(run.attempt()).isEqualTo(2);
            assertThat(run.workerId()).isEqualTo(FaultPlatform.workerId(fresh));
        });
    }

    @Test
    void stopsTheCancelledAttemptOnAWorkerThatNeverHeardTheCancelAndRunsTheRetriedOne() {
        platform.runningWorkers().forEach(AppProcess::stop);
        UUID job = accept(aSleepJob(ofSeconds(5)));
        cancel(job);
        retry(job);
        await("attempts 1 and 2 waiting for a worker").atMost(ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> platform.broker().queue(Topology.jobQueue("sleep")).messages() == 2);

        // This worker takes attempt 1 first and starts it: the API refuses that start and cancels attempt 1 alone.
        platform.startWorker();

        JsonNode done = api.awaitStatus(job, JobStatus.SUCCEEDED, ofSeconds(60));
        assertThatJob(done).hasAttempts(2);
        assertThat(reportedCancelled(job, 1)).as("the stale attempt 1 stopped").isTrue();
        assertThat(platform.ledger().completionsOf(job)).extracting(JobLedger.Execution::attempt).containsExactly(2);
    }

    // ---- helpers

    private UUID accept(JobRequest job) {
        return UUID.fromString(api.accept(job).path("id").asString());
    }

    private void awaitRunning(UUID job) {
        await("job " + job + " runs").atMost(ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> !platform.ledger().executionsOf(job).isEmpty());
    }

    private void cancel(UUID job) {
        Response cancel = api.post(ErrandClient.JOBS + "/" + job + "/cancel", "application/json", "", null);
        assertThat(cancel.status()).as("%s", cancel).isEqualTo(202);
        assertThatJob(api.job(job)).hasStatus(JobStatus.CANCELLED);
    }

    private void retry(UUID job) {
        Response retry = api.post(ErrandClient.JOBS + "/" + job + "/retry", "application/json", "", null);
        assertThat(retry.status()).as("%s", retry).isEqualTo(202);
    }

    /** The job's attempt history as "attempt STATUS". */
    private List<String> attemptStatuses(UUID job) {
        return api.job(job).path("attemptHistory").valueStream()
                .map(attempt -> attempt.path("attempt").asInt() + " " + attempt.path("status").asString()).toList();
    }

    /** Whether a run of that attempt reported that it was stopped by a cancel. */
    private static boolean reportedCancelled(UUID job, int attempt) {
        return platform.ledger().eventsOf(job).stream().map(JobLedger.Received::event)
                .anyMatch(event -> event instanceof JobEvent.Failed failed && failed.attempt() == attempt
                        && failed.failure().type().equals("cancelled"));
    }
}
