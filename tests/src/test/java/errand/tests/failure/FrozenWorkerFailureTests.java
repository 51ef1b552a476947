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
import errand.tests.support.FaultPlatform;
import errand.tests.support.FaultVerdict;
import errand.tests.support.JobLedger;
import errand.tests.support.JobRequest;
import errand.tests.support.ProcessSignals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * A worker frozen with {@code SIGSTOP} (a long GC pause, a stalled VM) while it runs a long job under a lease and
 * still has a free slot of the job's type. Its lease lapses and the API requeues the job as a new attempt; the new
 * attempt must run on the live worker, not wait in the frozen one's free slot until it wakes up. After
 * {@code SIGCONT} nothing the frozen worker reports changes the recorded outcome.
 */
class FrozenWorkerFailureTests {

    private static final Duration LONG_JOB = ofSeconds(10);

    @RegisterExtension
    static final FaultPlatform platform = FaultPlatform.withWorkers(2)
            .workerArguments("--errand.worker.hold-limit=4s", "--errand.worker.concurrency.sleep=2");

    private final ErrandClient api = platform.api();

    @Test
    void rerunsTheJobOfAFrozenWorkerOnTheLiveOneEvenWhenTheFrozenOneHasAFreeSlot() {
        UUID id = UUID.fromString(api.accept(JobRequest.of("sleep",
                json("{\"millis\":%d}".formatted(LONG_JOB.toMillis())))).path("id").asString());
        JobEvent.Leased lease = await("the job converted to a lease").atMost(ofSeconds(40))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> platform.ledger().eventsOf(id).stream().map(JobLedger.Received::event)
                        .filter(JobEvent.Leased.class::isInstance).map(JobEvent.Leased.class::cast).findFirst(),
                        Optional::isPresent)
                .orElseThrow();
        AppProcess frozen = platform.workers().stream()
                .filter(worker -> FaultPlatform.workerId(worker).equals(lease.workerId())).findFirst().orElseThrow();

        ProcessSignals.pause(frozen);
        Instant pausedAt = Instant.now();
        JsonNode outcome;
        Duration recovered;
        try {
            outcome = api.awaitStatus(id, JobStatus.SUCCEEDED, ofSeconds(45));
            recovered = Duration.between(pausedAt, Instant.now());
        } finally {
            ProcessSignals.resume(frozen);
        }

        assertThatJob(outcome).succeededWith(json("{\"sleptMillis\":%d}".formatted(LONG_JOB.toMillis())))
                .hasAttempts(2);
        await("the resumed worker reports its stale attempt").atMost(ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> platform.ledger().completionsOf(id).stream()
                        .anyMatch(run -> run.workerId().equals(lease.workerId()) && run.attempt() == 1));
        await("the recorded outcome never changes").during(ofSeconds(5)).atMost(ofSeconds(7))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(api.job(id).toString()).isEqualTo(outcome.toString()));
        FaultVerdict.judge(platform, List.of(id), Duration.ZERO)
                .report(getClass(), "worker holding a lease frozen (SIGSTOP) with a free slot, then resumed",
                        "rerunsTheJobOfAFrozenWorkerOnTheLiveOneEvenWhenTheFrozenOneHasAFreeSlot", 1, recovered)
                .assertEverySucceeded(job -> json("{\"sleptMillis\":%d}".formatted(LONG_JOB.toMillis())));
    }
}
