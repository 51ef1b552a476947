package errand.tests.failure;

import static errand.tests.support.JobFixtures.json;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import errand.tests.support.AppProcess;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.FaultPlatform;
import errand.tests.support.FaultVerdict;
import errand.tests.support.JobLedger;
import errand.tests.support.JobRequest;
import errand.tests.support.ProcessSignals;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code SIGTERM} to a worker with jobs in flight: it stops taking jobs at once, lets the running ones finish within
 * {@code errand.worker.shutdown-grace}, gives those still running after it back to the queue (the other worker reruns
 * them) and exits. Nothing is lost and nothing is recorded twice.
 */
class GracefulShutdownFailureTests {

    private static final Duration GRACE = ofSeconds(3);

    @RegisterExtension
    static final FaultPlatform platform = FaultPlatform.withWorkers(2)
            .workerArguments("--errand.worker.shutdown-grace=" + GRACE.toSeconds() + "s",
                    "--errand.worker.concurrency.sleep=4");

    private final ErrandClient api = platform.api();

    @BeforeEach
    void bothWorkersRun() {
        platform.workers().stream().filter(worker -> !worker.isAlive()).forEach(AppProcess::restart);
        platform.awaitTaskTypesKnown(ErrandPlatform.BUILT_IN_TYPES);
    }

    @Test
    void finishesInFlightJobsWithinTheGracePeriodAndTakesNoNewOnes() {
        AppProcess stopping = platform.worker(1);
        String stoppingId = FaultPlatform.workerId(stopping);
        List<UUID> before = submitSleeps(8, Duration.ofMillis(1500));
        await("worker-1 runs 4 jobs").atMost(ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> platform.ledger().unfinishedExecutionsOn(stoppingId).size() == 4);
        Set<UUID> inFlight = platform.ledger().unfinishedExecutionsOn(stoppingId).stream()
                .map(JobLedger.Execution::jobId).collect(Collectors.toSet());

        Instant signalled = Instant.now();
        ProcessSignals.terminate(stopping);
        platform.awaitWorkerStatus(stopping, "STOPPING", ofSeconds(10));
        List<UUID> after = submitSleeps(8, Duration.ofMillis(200));
        await("worker-1 exits").atMost(GRACE.plusSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> !stopping.isAlive());
        Duration exitedAfter = Duration.between(signalled, Instant.now());

        List<UUID> all = new ArrayList<>(before);
        all.addAll(after);
        FaultVerdict verdict = FaultVerdict.awaitOutcomes(platform, all, ofMinutes(2))
                .report(getClass(), "worker SIGTERM, in-flight jobs shorter than the grace period",
                        "finishesInFlightJobsWithinTheGracePeriodAndTakesNoNewOnes", all.size(), exitedAfter);

        verdict.assertEverySucceeded(id -> json("{\"sleptMillis\":%d}".formatted(before.contains(id) ? 1500 : 200)));
        assertThat(verdict.executedTwice()).as("jobs run more than once").isEmpty();
        for (UUID id : inFlight) {
            assertThat(platform.ledger().completionsOf(id)).as("runs of in-flight job %s", id)
                    .extracting(JobLedger.Execution::workerId).containsExactly(stoppingId);
        }
        for (UUID id : after) {
            assertThat(platform.ledger().executionsOf(id)).as("runs of %s, submitted after worker-1 said STOPPING "
                    + "(signalled at %s)", id, signalled)
                    .extracting(JobLedger.Execution::workerId).doesNotContain(stoppingId);
        }
    }

    @Test
    void givesJobsStillRunningAfterTheGracePeriodBackToTheQueue() {
        AppProcess stopping = platform.worker(1);
        String stoppingId = FaultPlatform.workerId(stopping);
        List<UUID> jobs = submitSleeps(8, ofSeconds(8));
        await("worker-1 runs 4 jobs").atMost(ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> platform.ledger().unfinishedExecutionsOn(stoppingId).size() == 4);
        Set<UUID> inFlight = platform.ledger().unfinishedExecutionsOn(stoppingId).stream()
                .map(JobLedger.Execution::jobId).collect(Collectors.toSet());

        Instant signalled = Instant.now();
        ProcessSignals.terminate(stopping);
        await("worker-1 exits").atMost(GRACE.plusSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> !stopping.isAlive());
        Duration exitedAfter = Duration.between(signalled, Instant.now());

        FaultVerdict verdict = FaultVerdict.awaitOutcomes(platform, jobs, ofMinutes(2))
                .report(getClass(), "worker SIGTERM, in-flight jobs longer than the grace period",
                        "givesJobsStillRunningAfterTheGracePeriodBackToTheQueue", jobs.size(), exitedAfter);

        verdict.assertEverySucceeded(id -> json("{\"sleptMillis\":8000}"));
        assertThat(verdict.executedTwice()).as("jobs run twice: those interrupted by the shutdown")
                .containsExactlyInAnyOrderElementsOf(inFlight);
        assertThat(verdict.completedTwice()).as("jobs completed twice").isEmpty();
        for (UUID id : inFlight) {
            assertThat(platform.ledger().completionsOf(id)).as("completed runs of interrupted job %s", id)
                    .extracting(JobLedger.Execution::workerId).doesNotContain(stoppingId).hasSize(1);
        }
    }

    private List<UUID> submitSleeps(int count, Duration duration) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(api.submit(JobRequest.of("sleep", json("{\"millis\":%d}".formatted(duration.toMillis()))))
                    .jobId());
        }
        return ids;
    }
}
