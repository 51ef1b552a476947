package errand.tests.failure;

import static errand.tests.support.JobFixtures.json;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import errand.model.JobEvent;
import errand.tests.support.AppProcess;
import errand.tests.support.ErrandClient;
import errand.tests.support.FaultPlatform;
import errand.tests.support.FaultVerdict;
import errand.tests.support.JobLedger;
import errand.tests.support.JobRequest;
import errand.tests.support.JobStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * {@code kill -9} of a worker in the middle of a stream of jobs: the jobs it was running come back from the broker
 * (their deliveries were never acknowledged) and run again on the other worker; every job ends SUCCEEDED with
 * exactly one terminal record. Re-executions are counted by the {@link JobLedger} and reported.
 */
class WorkerCrashFailureTests {

    private static final int JOBS = 150;

    @RegisterExtension
    static final FaultPlatform platform = FaultPlatform.withWorkers(2)
            .workerArguments("--errand.worker.concurrency.sleep=4", "--errand.worker.concurrency.echo=4");

    private final ErrandClient api = platform.api();

    @Test
    void rerunsTheJobsOfAWorkerKilledMidStreamOnTheOtherWorker() {
        AppProcess victim = platform.worker(1);
        AppProcess survivor = platform.worker(2);
        Map<Integer, JobRequest> requests = new HashMap<>();
        for (int i = 0; i < JOBS; i++) {
            requests.put(i, job(i));
        }

        Instant killedAt;
        try (JobStream stream = JobStream.start(api, "crash", JOBS, 4, requests::get, Duration.ofMillis(200),
                ofMinutes(2))) {
            await("worker-1 busy with several jobs mid-stream").atMost(ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> stream.acceptedCount() >= JOBS / 3
                            && platform.ledger().unfinishedExecutionsOn(FaultPlatform.workerId(victim)).size() >= 2);

            victim.kill();
            killedAt = Instant.now();

            stream.awaitDone(ofMinutes(3));
            assertThat(stream.oddities()).as("odd answers").isEmpty();
            assertThat(stream.givenUp()).as("submissions never accepted").isEmpty();

            Map<UUID, JsonNode> expected = new HashMap<>();
            stream.acceptedByIndex().forEach((i, id) -> expected.put(id, expectedResult(requests.get(i))));
            FaultVerdict verdict = FaultVerdict.awaitOutcomes(platform, expected.keySet(), ofMinutes(3));

            // judged once everything settled: events the victim published just before it died may arrive late
            String victimId = FaultPlatform.workerId(victim);
            Set<UUID> interrupted = platform.ledger().unfinishedExecutionsOn(victimId).stream()
                    .map(JobLedger.Execution::jobId).collect(Collectors.toSet());
            Set<UUID> startedOnVictim = platform.ledger().executionsOn(victimId).stream()
                    .map(JobLedger.Execution::jobId).collect(Collectors.toSet());
            verdict.report(getClass(), "worker `kill -9` mid-stream (2 workers)", "rerunsTheJobsOfAWorkerKilled"
                    + "MidStreamOnTheOtherWorker", JOBS, timeUntilAllSucceeded(interrupted, killedAt));

            verdict.assertEverySucceeded(expected::get);
            assertThat(interrupted).as("jobs the killed worker was running").isNotEmpty();
            assertThat(verdict.executedTwice()).as("re-executed jobs: only some the killed worker had started")
                    .isSubsetOf(startedOnVictim);
            assertThat(verdict.executedTwice()).as("re-executed jobs: every one the kill cut short")
                    .containsAll(interrupted);
            for (UUID id : interrupted) {
                assertThat(platform.ledger().completionsOf(id)).as("runs of %s that completed", id)
                        .extracting(JobLedger.Execution::workerId).containsExactly(FaultPlatform.workerId(survivor));
            }
        }
        platform.awaitWorkerStatus(victim, "GONE", ofSeconds(15));
    }

    /** How long after the kill the last of the interrupted jobs reported its result. */
    private static Duration timeUntilAllSucceeded(Set<UUID> jobs, Instant since) {
        Instant last = since;
        for (UUID id : jobs) {
            for (JobLedger.Received received : platform.ledger().eventsOf(id)) {
                if (received.event() instanceof JobEvent.Succeeded && received.receivedAt().isAfter(last)) {
                    last = received.receivedAt();
                }
            }
        }
        return Duration.between(since, last);
    }

    /** Every third job sleeps 400 to 1200 ms, so a kill finds some running; the rest echo. */
    private static JobRequest job(int i) {
        if (i % 3 == 0) {
            return JobRequest.of("sleep", json("{\"millis\":%d}".formatted(400 + (i % 5) * 200)));
        }
        return JobRequest.of("echo", json("{\"n\":%d,\"marker\":\"crash\"}".formatted(i)));
    }

    private static JsonNode expectedResult(JobRequest request) {
        return request.type().equals("sleep")
                ? json("{\"sleptMillis\":%d}".formatted(request.payload().path("millis").asLong()))
                : request.payload();
    }
}
