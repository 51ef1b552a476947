package errand.tests;

import static errand.tests.JobAssert.assertThatJob;
import static errand.tests.JobFixtures.aFailingJob;
import static errand.tests.JobFixtures.aHangingJob;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import errand.model.JobStatus;

/**
 * A handler that ignores its interrupt: a {@code fail} job with {@code hang} and a 1 s timeout, on a worker with a
 * single slot for its type. At the deadline the worker interrupts the handler, waits its stop grace (5 s), then
 * abandons it: the attempt is recorded as a retryable {@code timeout}, the slot takes the next job of the type while
 * the abandoned handler still runs, and the job is retried until its attempts are exhausted, then FAILED.
 */
class HangingHandlerFailureTests {

    private static final Duration TIMEOUT = ofSeconds(1);

    /** How long the worker waits for a stopped handler before abandoning it (worker-service README). */
    private static final Duration STOP_GRACE = ofSeconds(5);

    private static final int ATTEMPTS = 2;

    @RegisterExtension
    static final FaultPlatform platform = FaultPlatform.withWorkers(1)
            .workerArguments("--errand.worker.concurrency.fail=1");

    private final ErrandClient api = platform.api();

    @Test
    void abandonsAHandlerThatIgnoresItsTimeoutFreesItsSlotAndFailsTheJobOnceItsAttemptsAreSpent() {
        UUID hanging = accept(aHangingJob().withTimeout(TIMEOUT)
                .withMaxAttempts(ATTEMPTS));
        Instant hangStarted = awaitStarted(hanging);
        UUID queuedBehind = accept(aFailingJob(0, true));

        api.awaitStatus(queuedBehind, JobStatus.SUCCEEDED, ofSeconds(60));
        Duration slotHeld = Duration.between(hangStarted, awaitStarted(queuedBehind));
        JsonNode failed = api.awaitTerminal(hanging, ofSeconds(60));
        List<UUID> afterwards = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            afterwards.add(accept(aFailingJob(0, true)));
        }
        for (UUID id : afterwards) {
            api.awaitStatus(id, JobStatus.SUCCEEDED, ofSeconds(30));
        }

        List<UUID> all = new ArrayList<>(List.of(hanging, queuedBehind));
        all.addAll(afterwards);
        FaultVerdict verdict = FaultVerdict.awaitOutcomes(platform, all, ofSeconds(30))
                .report(getClass(), "handler ignores its interrupt (`hang`, timeout PT1S, 2 attempts, 1 slot)",
                        "abandonsAHandlerThatIgnoresItsTimeoutFreesItsSlotAndFailsTheJobOnceItsAttemptsAreSpent",
                        all.size(), slotHeld)
                .assertNoneLost();

        assertThatJob(failed).hasStatus(JobStatus.FAILED).hasAttempts(ATTEMPTS);
        JsonNode error = failed.path("error");
        assertThat(error.path("type").asString()).as("error of %s", failed).isEqualTo("timeout");
        assertThat(error.path("retryable").asBoolean(false)).as("error of %s", failed).isTrue();
        assertThat(failed.path("attemptHistory")).as("attempt history of %s", failed).hasSize(ATTEMPTS)
                .allSatisfy(attempt -> {
                    assertThat(attempt.path("status").asString()).isEqualTo("FAILED");
                    assertThat(attempt.path("error").path("type").asString()).isEqualTo("timeout");
                    assertThat(attempt.path("error").path("message").asString())
                            .contains("ignored its interrupt and was abandoned");
                });
        assertThat(slotHeld).as("how long the hanging attempt kept the only slot of its type")
                .isGreaterThanOrEqualTo(TIMEOUT.plus(STOP_GRACE).minusMillis(500))
                .isLessThan(TIMEOUT.plus(STOP_GRACE).plusSeconds(10));
        for (UUID id : all.subList(1, all.size())) {
            assertThat(verdict.row(id).status()).as("job %s of the same type", id).isEqualTo("SUCCEEDED");
        }
        await("the worker reports nothing in flight though both abandoned handlers still run")
                .atMost(ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(api.workers()).singleElement()
                        .satisfies(worker -> assertThat(worker.path("inFlight").asInt(-1)).isZero()));
        assertThat(platform.ledger().completionsOf(hanging)).as("completed runs of the hanging job").isEmpty();
    }

    private UUID accept(JobRequest job) {
        return UUID.fromString(api.accept(job).path("id").asString());
    }

    /**
     * When the job's attempt 1 started, as the ledger saw it: from its Started event or, for a run shorter than the
     * worker's started-report delay that reports only its outcome (the job queued behind), from that outcome.
     */
    private static Instant awaitStarted(UUID id) {
        return await("job " + id + " started").atMost(ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> platform.ledger().executionsOf(id).stream().filter(run -> run.attempt() == 1)
                        .map(JobLedger.Execution::startedAt).findFirst(), Optional::isPresent)
                .orElseThrow();
    }
}
