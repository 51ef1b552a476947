package errand.tests.endtoend;

import static errand.tests.support.JobAssert.assertThatJob;
import static errand.tests.support.JobAssert.assertThatProblem;
import static errand.tests.support.JobFixtures.json;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import errand.model.JobEvent;
import errand.model.JobStatus;
import errand.model.Topology;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandClient.Response;
import errand.tests.support.FaultPlatform;
import errand.tests.support.FaultVerdict;
import errand.tests.support.JobLedger;
import errand.tests.support.JobRequest;
import errand.tests.support.ReadinessWatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /api/v1/jobs/{id}/cancel} end to end, on one worker with a single {@code sleep} slot: a queued job is
 * CANCELLED at once and its handler never completes; a running job is CANCELLED at once, its handler is interrupted
 * and its slot freed; a terminal job answers 409; and a cancel issued while the worker was cut off from the broker
 * still stops the job once the worker is back. The workers reach the broker through a proxy, the API directly.
 */
class CancellationEndToEndTests {

    @RegisterExtension
    static final FaultPlatform platform = FaultPlatform.withWorkers(1).workersReachBrokerThroughProxy()
            .workerArguments("--errand.worker.concurrency.sleep=1");

    private final ErrandClient api = platform.api();

    @BeforeEach
    void sleepSlotFree() {
        platform.brokerLink().restore();
        await("the worker ready").atMost(ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> ReadinessWatch.readiness(platform.worker(1)) == 200);
        UUID probe = submit(Duration.ofMillis(10));
        api.awaitStatus(probe, JobStatus.SUCCEEDED, ofSeconds(60));
    }

    @Test
    void cancelsAQueuedJobAtOnceAndItsHandlerNeverCompletes() {
        UUID busy = submit(ofSeconds(4));
        await("the slot busy").atMost(ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> !platform.ledger().executionsOf(busy).isEmpty());
        UUID queued = submit(Duration.ofMillis(500));

        Response cancel = api.post(ErrandClient.JOBS + "/" + queued + "/cancel", "application/json", "", null);

        assertThat(cancel.status()).as("%s", cancel).isEqualTo(202);
        assertThatJob(api.job(queued)).hasStatus(JobStatus.CANCELLED);
        api.awaitStatus(busy, JobStatus.SUCCEEDED, ofSeconds(30));
        await("the cancelled job's delivery dropped by the worker").atMost(ofSeconds(20))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> platform.broker().queue(Topology.jobQueue("sleep")).messages() == 0);
        await("the cancelled job stays cancelled, its handler never completing").during(ofSeconds(3))
                .atMost(ofSeconds(5)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    assertThatJob(api.job(queued)).hasStatus(JobStatus.CANCELLED);
                    assertThat(platform.ledger().completionsOf(queued)).as("completed runs").isEmpty();
                });
        report("cancel of a queued job", "cancelsAQueuedJobAtOnceAndItsHandlerNeverCompletes", List.of(busy, queued));
    }

    @Test
    void interruptsARunningJobOnCancelAndFreesItsSlot() {
        // minutes long, so the next job on the single slot can only run if the cancel freed it
        UUID running = submit(ofMinutes(5));
        await("the job runs").atMost(ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> !platform.ledger().executionsOf(running).isEmpty());

        Response cancel = api.post(ErrandClient.JOBS + "/" + running + "/cancel", "application/json", "", null);

        assertThat(cancel.status()).as("%s", cancel).isEqualTo(202);
        assertThatJob(api.job(running)).hasStatus(JobStatus.CANCELLED);
        await("the handler interrupted and its attempt reported as cancelled").atMost(ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> reportedCancelled(running));
        await("the worker's report recorded on the attempt").atMost(ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(api.job(running).path("attemptHistory")).singleElement()
                        .satisfies(attempt -> assertThat(attempt.path("status").asString()).isEqualTo("CANCELLED")));
        UUID next = submit(Duration.ofMillis(200));
        api.awaitStatus(next, JobStatus.SUCCEEDED, ofSeconds(60));
        assertThatJob(api.job(running)).hasStatus(JobStatus.CANCELLED);
        assertThat(platform.ledger().completionsOf(running)).as("completed runs of the cancelled job").isEmpty();
        report("cancel of a running job", "interruptsARunningJobOnCancelAndFreesItsSlot", List.of(running, next));
    }

    @Test
    void refusesToCancelATerminalJob() {
        UUID done = UUID.fromString(api.accept(JobRequest.of("echo", json("{\"done\":true}"))).path("id").asString());
        api.awaitStatus(done, JobStatus.SUCCEEDED, ofSeconds(30));

        Response cancel = api.post(ErrandClient.JOBS + "/" + done + "/cancel", "application/json", "", null);

        assertThatProblem(cancel).isProblem(409);
        assertThatJob(api.job(done)).hasStatus(JobStatus.SUCCEEDED);
    }

    @Test
    void stopsAJobCancelledWhileItsWorkerWasCutOffFromTheBroker() {
        UUID running = submit(ofMinutes(5));
        await("the job runs").atMost(ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> !platform.ledger().executionsOf(running).isEmpty());

        platform.brokerLink().cut();
        await("the worker knows it is cut off").atMost(ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> ReadinessWatch.readiness(platform.worker(1)) == 503);
        Response cancel = api.post(ErrandClient.JOBS + "/" + running + "/cancel", "application/json", "", null);
        assertThat(cancel.status()).as("%s", cancel).isEqualTo(202);
        Instant restoredAt = Instant.now();
        platform.brokerLink().restore();

        await("every run of the cancelled job stopped once the worker is back").atMost(ofSeconds(15))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> platform.ledger().executionsOf(running).stream()
                        .allMatch(run -> reportedCancelled(running, run)));
        UUID next = submit(Duration.ofMillis(200));
        api.awaitStatus(next, JobStatus.SUCCEEDED, ofSeconds(60));
        Duration recovered = Duration.between(restoredAt, Instant.now());
        assertThatJob(api.job(running)).hasStatus(JobStatus.CANCELLED);
        assertThat(platform.ledger().completionsOf(running)).as("completed runs of the cancelled job").isEmpty();
        FaultVerdict.judge(platform, List.of(running, next), Duration.ZERO).report(getClass(),
                "cancel issued while the worker is cut off from the broker",
                "stopsAJobCancelledWhileItsWorkerWasCutOffFromTheBroker", 2, recovered);
    }

    // ---- helpers

    private UUID submit(Duration sleep) {
        return UUID.fromString(api.accept(JobRequest.of("sleep", json("{\"millis\":%d}".formatted(sleep.toMillis()))))
                .path("id").asString());
    }

    /** Whether some run of the job reported that it was cancelled. */
    private static boolean reportedCancelled(UUID id) {
        return platform.ledger().executionsOf(id).stream().anyMatch(run -> reportedCancelled(id, run));
    }

    private static boolean reportedCancelled(UUID id, JobLedger.Execution run) {
        return platform.ledger().eventsOf(id).stream().map(JobLedger.Received::event)
                .anyMatch(event -> event instanceof JobEvent.Failed failed
                        && failed.workerId().equals(run.workerId()) && failed.startedAt().equals(run.startedAt())
                        && failed.failure().type().equals("cancelled"));
    }

    private void report(String fault, String test, List<UUID> jobs) {
        FaultVerdict.judge(platform, jobs, Duration.ZERO).report(getClass(), fault, test, jobs.size(), null)
                .assertNoneLost();
    }
}
