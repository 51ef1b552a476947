package errand.tests.failure;

import static errand.tests.support.JobAssert.assertThatJob;
import static errand.tests.support.JobFixtures.aFailingJob;
import static errand.tests.support.JobFixtures.aHangingJob;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import errand.model.JobStatus;
import errand.tests.support.AppProcess;
import errand.tests.support.ErrandClient;
import errand.tests.support.FaultPlatform;
import errand.tests.support.FaultVerdict;
import errand.tests.support.JobLedger;
import errand.tests.support.JobRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * A handler that ignores its interrupt: a {@code fail} job with {@code hang}, on a worker with a single slot for its
 * type ({@code hang} is a diagnostic, honoured only with {@code errand.worker.diagnostics.enabled}).
 * <ul>
 *   <li>With a 1 s timeout: at the deadline the worker interrupts the handler, waits its stop grace (5 s), then
 *       abandons it: the attempt is recorded as a retryable {@code timeout}, the slot takes the next job of the type
 *       while the abandoned handler still runs, and the job is retried until its attempts are exhausted, then FAILED.
 *   <li>Cancelled while it runs: the job is CANCELLED at once and stays so; the worker interrupts the handler,
 *       abandons it after the grace, reports the attempt as {@code cancelled} and its slot runs the next job of the
 *       type while the abandoned handler still runs.
 * </ul>
 */
class HangingHandlerFailureTests {

    private static final Duration TIMEOUT = ofSeconds(1);

    /** How long the worker waits for a stopped handler before abandoning it (worker-service README). */
    private static final Duration STOP_GRACE = ofSeconds(5);

    private static final int ATTEMPTS = 2;

    @RegisterExtension
    static final FaultPlatform platform = FaultPlatform.withWorkers(1)
            // hang is a diagnostic option: a worker honours it only with diagnostics enabled
            .workerArguments("--errand.worker.concurrency.fail=1", "--errand.worker.diagnostics.enabled=true");

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
                .isGreaterThanOrEqualTo(TIMEOUT.plus(STOP_GRACE).minusMillis(500));
        for (UUID id : all.subList(1, all.size())) {
            assertThat(verdict.row(id).status()).as("job %s of the same type", id).isEqualTo("SUCCEEDED");
        }
        await("the worker reports nothing in flight though both abandoned handlers still run")
                .atMost(ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(api.workers()).singleElement()
                        .satisfies(worker -> assertThat(worker.path("inFlight").asInt(-1)).isZero()));
        assertThat(platform.ledger().completionsOf(hanging)).as("completed runs of the hanging job").isEmpty();
    }

    @Test
    void cancelsAHandlerThatIgnoresItsInterruptAbandonsItAndFreesItsSlot() {
        long hangingBefore = handlersHangingIn(platform.worker(1));
        UUID hanging = accept(aHangingJob());
        awaitStarted(hanging);
        await("the handler hangs").atMost(ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> handlersHangingIn(platform.worker(1)) == hangingBefore + 1);
        UUID queuedBehind = accept(aFailingJob(0, true));

        ErrandClient.Response cancel = api.post(ErrandClient.JOBS + "/" + hanging + "/cancel", "application/json",
                "", null);

        assertThat(cancel.status()).as("%s", cancel).isEqualTo(202);
        assertThatJob(api.job(hanging)).hasStatus(JobStatus.CANCELLED);
        api.awaitStatus(queuedBehind, JobStatus.SUCCEEDED, ofSeconds(60));
        await("the worker's report that it stopped the attempt, recorded on it").atMost(ofSeconds(20))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(api.job(hanging).path("attemptHistory")).singleElement()
                        .satisfies(attempt -> {
                            assertThat(attempt.path("status").asString()).isEqualTo("CANCELLED");
                            assertThat(attempt.path("error").path("type").asString()).isEqualTo("cancelled");
                        }));
        assertThat(handlersHangingIn(platform.worker(1)))
                .as("hanging handlers in the worker: the cancelled one was abandoned, not stopped")
                .isEqualTo(hangingBefore + 1);
        await("the worker reports nothing in flight though the abandoned handler still runs")
                .atMost(ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(api.workers()).singleElement()
                        .satisfies(worker -> assertThat(worker.path("inFlight").asInt(-1)).isZero()));
        assertThatJob(api.job(hanging)).hasStatus(JobStatus.CANCELLED).hasAttempts(1);
        assertThat(platform.ledger().completionsOf(hanging)).as("completed runs of the cancelled job").isEmpty();
        FaultVerdict.awaitOutcomes(platform, List.of(hanging, queuedBehind), ofSeconds(30))
                .report(getClass(), "handler ignores its interrupt (`hang`) and is cancelled, 1 slot",
                        "cancelsAHandlerThatIgnoresItsInterruptAbandonsItAndFreesItsSlot", 2, null)
                .assertNoneLost();
    }

    /**
     * How many {@code fail} handlers hang in the worker right now, from a thread dump: a hanging handler ends only
     * after {@code Fail.HANG_LIMIT} (5 minutes), so the count drops only if one was really stopped.
     */
    private static long handlersHangingIn(AppProcess worker) {
        Path dump = FaultPlatform.dumpThreads(worker, "hanging");
        assertThat(dump).as("thread dump of %s", worker).isNotNull();
        try {
            return Files.readAllLines(dump).stream().filter(line -> line.contains("hangIgnoringInterrupts")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
