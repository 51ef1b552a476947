package errand.tests.failure;

import static errand.tests.support.JobAssert.assertThatJob;
import static errand.tests.support.JobFixtures.json;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import errand.model.JobEvent;
import errand.model.JobStatus;
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
import tools.jackson.databind.JsonNode;

/**
 * Long jobs under a lease (a worker holds a delivery at most {@code errand.worker.hold-limit}, then acknowledges it
 * and renews a lease with its heartbeats), with two workers: {@code kill -9} of the worker before the hold limit
 * gets the delivery redelivered; after it, the API's rescuer requeues the job as a new attempt once the lease lapses;
 * and a worker frozen with {@code SIGSTOP} past its lease, while the other worker reruns the job to success, changes
 * nothing when it resumes and reports its stale attempt. One sleep slot per worker, so a rerun can only go to the
 * other worker ({@link FrozenWorkerFailureTests} has a frozen worker with a free slot).
 */
class LeaseFencingFailureTests {

    private static final Duration HOLD_LIMIT = ofSeconds(4);
    private static final Duration LONG_JOB = ofSeconds(10);

    @RegisterExtension
    static final FaultPlatform platform = FaultPlatform.withWorkers(2)
            .workerArguments("--errand.worker.hold-limit=" + HOLD_LIMIT.toSeconds() + "s",
                    "--errand.worker.concurrency.sleep=1")
            .apiArguments("--errand.api.leases.sweep-interval=PT1S", "--errand.api.workers.missed-heartbeats=3");

    private final ErrandClient api = platform.api();

    @BeforeEach
    void bothWorkersRun() {
        for (AppProcess worker : platform.workers()) {
            if (worker.isAlive() && ProcessSignals.isPaused(worker)) {
                ProcessSignals.resume(worker);
            }
            if (!worker.isAlive()) {
                worker.restart();
            }
        }
        platform.awaitTaskTypesKnown(ErrandPlatform.BUILT_IN_TYPES);
    }

    @Test
    void redeliversAJobWhoseWorkerIsKilledBeforeTheHoldLimit() {
        UUID id = submitLongJob();
        JobLedger.Execution first = await("the job starts").atMost(ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> platform.ledger().executionsOf(id).stream().findFirst(), Optional::isPresent)
                .orElseThrow();
        AppProcess holder = workerNamed(first.workerId());

        holder.kill();
        Instant killedAt = Instant.now();

        assertThat(leasesOf(id)).as("lease taken before the kill (the kill came too late)").isEmpty();
        FaultVerdict verdict = FaultVerdict.awaitOutcomes(platform, List.of(id), ofSeconds(60));
        Duration recovered = Duration.between(killedAt, Instant.now());
        verdict.report(getClass(), "worker `kill -9` while holding a long job's delivery (before the hold limit)",
                "redeliversAJobWhoseWorkerIsKilledBeforeTheHoldLimit", 1, recovered);
        verdict.assertEverySucceeded(job -> json("{\"sleptMillis\":%d}".formatted(LONG_JOB.toMillis())));
        assertThat(platform.ledger().completionsOf(id)).as("completed runs").singleElement()
                .satisfies(run -> assertThat(run.workerId()).isNotEqualTo(first.workerId()));
        assertThat(verdict.row(id).attempts()).as("attempts: a redelivery is the same attempt").isEqualTo(1);
    }

    @Test
    void rerunsALeasedJobWhoseWorkerIsKilledOnceTheLeaseLapses() {
        UUID id = submitLongJob();
        JobEvent.Leased lease = awaitLease(id);
        AppProcess holder = workerNamed(lease.workerId());

        holder.kill();
        Instant killedAt = Instant.now();

        platform.awaitWorkerStatus(holder, "GONE", ofSeconds(15));
        FaultVerdict verdict = FaultVerdict.awaitOutcomes(platform, List.of(id), ofSeconds(90));
        Duration recovered = Duration.between(killedAt, Instant.now());
        verdict.report(getClass(), "worker `kill -9` while holding a long job's lease (after the hold limit)",
                "rerunsALeasedJobWhoseWorkerIsKilledOnceTheLeaseLapses", 1, recovered);
        verdict.assertEverySucceeded(job -> json("{\"sleptMillis\":%d}".formatted(LONG_JOB.toMillis())));

        JsonNode job = api.job(id);
        assertThatJob(job).hasAttempts(2);
        JsonNode history = job.path("attemptHistory");
        assertThat(history).as("attempt history of %s", job).hasSize(2);
        assertThat(history.get(0).path("status").asString()).as("the leased attempt").isEqualTo("LOST");
        assertThat(history.get(0).path("error").path("type").asString()).isEqualTo("lease-expired");
        assertThat(history.get(1).path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(history.get(1).path("workerId").asString()).isNotEqualTo(lease.workerId());
    }

    @Test
    void ignoresEverythingAPausedWorkerReportsAfterItsLeaseWasRescued() {
        UUID id = submitLongJob();
        JobEvent.Leased lease = awaitLease(id);
        AppProcess frozen = workerNamed(lease.workerId());

        ProcessSignals.pause(frozen);
        Instant pausedAt = Instant.now();
        JsonNode outcome;
        try {
            outcome = api.awaitStatus(id, JobStatus.SUCCEEDED, ofSeconds(60));
        } finally {
            ProcessSignals.resume(frozen);
        }
        Duration recovered = Duration.between(pausedAt, Instant.now());
        assertThatJob(outcome).succeededWith(json("{\"sleptMillis\":%d}".formatted(LONG_JOB.toMillis())))
                .hasAttempts(2);

        await("the resumed worker reports its stale attempt").atMost(ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> platform.ledger().completionsOf(id).stream()
                        .anyMatch(run -> run.workerId().equals(lease.workerId()) && run.attempt() == 1));
        await("the recorded outcome never changes").during(ofSeconds(5)).atMost(ofSeconds(7))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(recordedOutcome(api.job(id))).isEqualTo(recordedOutcome(outcome)));

        FaultVerdict verdict = FaultVerdict.judge(platform, List.of(id), Duration.ZERO)
                .report(getClass(), "worker holding a lease frozen (SIGSTOP) past it, rerun elsewhere, then resumed",
                        "ignoresEverythingAPausedWorkerReportsAfterItsLeaseWasRescued", 1, recovered);
        verdict.assertEverySucceeded(job -> json("{\"sleptMillis\":%d}".formatted(LONG_JOB.toMillis())));
        assertThat(verdict.completedTwice()).as("the stale attempt ran to the end as well").containsExactly(id);
        platform.awaitWorkerStatus(frozen, "LIVE", ofSeconds(15));
    }

    // ---- helpers

    private UUID submitLongJob() {
        return UUID.fromString(api.accept(JobRequest.of("sleep",
                json("{\"millis\":%d}".formatted(LONG_JOB.toMillis())))).path("id").asString());
    }

    private static JobEvent.Leased awaitLease(UUID id) {
        return await("the job converted to a lease").atMost(HOLD_LIMIT.plusSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> leasesOf(id).stream().findFirst(), Optional::isPresent).orElseThrow();
    }

    private static List<JobEvent.Leased> leasesOf(UUID id) {
        return platform.ledger().eventsOf(id).stream().map(JobLedger.Received::event)
                .filter(JobEvent.Leased.class::isInstance).map(JobEvent.Leased.class::cast).toList();
    }

    private static AppProcess workerNamed(String workerId) {
        return platform.workers().stream().filter(worker -> FaultPlatform.workerId(worker).equals(workerId))
                .findFirst().orElseThrow(() -> new IllegalStateException("no worker " + workerId));
    }

    /** What must never change once a job is terminal. */
    private static List<String> recordedOutcome(JsonNode job) {
        return List.of(job.path("status").asString(""), job.path("attempts").asString(""),
                String.valueOf(job.get("result")), job.path("finishedAt").asString(""),
                String.valueOf(job.get("error")), String.valueOf(job.get("attemptHistory")));
    }
}
