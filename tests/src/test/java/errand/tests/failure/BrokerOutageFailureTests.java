package errand.tests.failure;

import static errand.tests.support.JobFixtures.json;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import errand.tests.support.AppProcess;
import errand.tests.support.ErrandClient;
import errand.tests.support.FaultPlatform;
import errand.tests.support.FaultVerdict;
import errand.tests.support.JobRequest;
import errand.tests.support.JobStream;
import errand.tests.support.ReadinessWatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The broker goes away while jobs flow, without touching the shared broker: either it closes every connection of the
 * apps in the test's vhost (as {@code rabbitmqctl close_connection} does), or the TCP proxy every app reaches it
 * through is cut for a while. No {@code 202} is lost (the job rows are the outbox), the API and the workers reconnect
 * by themselves, the workers' readiness says DOWN while they cannot consume and UP once they consume again, and
 * every job accepted before and during the outage completes.
 */
class BrokerOutageFailureTests {

    private static final System.Logger LOG = System.getLogger(BrokerOutageFailureTests.class.getName());

    @RegisterExtension
    static final FaultPlatform platform = FaultPlatform.withWorkers(2).brokerThroughProxy()
            .workerArguments("--errand.worker.concurrency.sleep=4");

    private final ErrandClient api = platform.api();

    @BeforeEach
    void brokerReachable() {
        platform.brokerLink().restore();
        await("every app ready").atMost(ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> allApps().stream().allMatch(app -> ReadinessWatch.readiness(app) == 200));
    }

    @Test
    void completesEveryJobWhenTheBrokerClosesTheAppsConnectionsMidStream() {
        int count = 200;
        try (ReadinessWatch readiness = ReadinessWatch.of(allApps(), Duration.ofMillis(200));
                JobStream stream = JobStream.start(api, "closed", count, 4, i -> job(i, "closed"),
                        Duration.ofMillis(200), ofMinutes(2))) {
            await("a third of the stream accepted").atMost(ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                    .until(() -> stream.acceptedCount() >= count / 3);

            Instant closedAt = Instant.now();
            int closed = platform.broker().closeAppConnections("test");

            stream.awaitDone(ofMinutes(3));
            Duration recovered = awaitConsumingAgain(closedAt);
            LOG.log(System.Logger.Level.INFO, "closed {0} connections; {1}; readiness: {2}", closed,
                    stream.summary(), readiness.describe());

            FaultVerdict verdict = FaultVerdict.awaitOutcomes(platform, stream.acceptedIds(), ofMinutes(3))
                    .report(getClass(), "broker closes every app connection (vhost) mid-stream",
                            "completesEveryJobWhenTheBrokerClosesTheAppsConnectionsMidStream", count, recovered);

            LOG.log(System.Logger.Level.INFO, "dead letters: {0}", platform.broker().takeDeadLetters());
            assertThat(closed).as("app connections closed by the broker").isGreaterThanOrEqualTo(3);
            assertThat(stream.givenUp()).as("submissions never accepted").isEmpty();
            assertThat(stream.oddities()).as("odd answers").isEmpty();
            verdict.assertEverySucceeded(expectedResults(stream, "closed")::get);
        }
    }

    @Test
    void reportsNotReadyWhileTheBrokerIsUnreachableAndConsumesAgainAfter() {
        List<UUID> jobs = new ArrayList<>();
        Map<UUID, JsonNode> expected = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            UUID id = api.submit(JobRequest.of("sleep", json("{\"millis\":3000}"))).jobId();
            jobs.add(id);
            expected.put(id, json("{\"sleptMillis\":3000}"));
        }
        await("jobs running on both workers").atMost(ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> platform.workers().stream().allMatch(worker ->
                        !platform.ledger().unfinishedExecutionsOn(FaultPlatform.workerId(worker)).isEmpty()));

        try (ReadinessWatch readiness = ReadinessWatch.of(allApps(), Duration.ofMillis(200))) {
            Instant cutAt = Instant.now();
            platform.brokerLink().cut();

            List<UUID> during = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                JobRequest request = job(i, "during-cut");
                UUID id = UUID.fromString(api.accept(request).path("id").asString());
                during.add(id);
                expected.put(id, request.type().equals("sleep") ? json("{\"sleptMillis\":300}") : request.payload());
            }
            jobs.addAll(during);
            await("every app not ready while the broker is unreachable").atMost(ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> allApps().stream().allMatch(app -> ReadinessWatch.readiness(app) == 503));
            await("apps stay not ready and jobs accepted during the cut wait in the outbox")
                    .during(ofSeconds(3)).atMost(ofSeconds(5)).pollInterval(Duration.ofMillis(250))
                    .until(() -> allApps().stream().allMatch(app -> ReadinessWatch.readiness(app) == 503)
                            && platform.records().jobs(during).values().stream()
                                    .allMatch(row -> row.status().equals("QUEUED") && !row.published()));

            Instant restoredAt = Instant.now();
            platform.brokerLink().restore();
            Duration recovered = awaitConsumingAgain(restoredAt);
            LOG.log(System.Logger.Level.INFO, "cut for {0} ms; readiness: {1}",
                    Duration.between(cutAt, restoredAt).toMillis(), readiness.describe());

            FaultVerdict verdict = FaultVerdict.awaitOutcomes(platform, jobs, ofMinutes(3))
                    .report(getClass(), "broker unreachable (proxy cut ~5 s) with jobs running and submitted",
                            "reportsNotReadyWhileTheBrokerIsUnreachableAndConsumesAgainAfter", jobs.size(),
                            recovered);

            verdict.assertEverySucceeded(expected::get);
            for (AppProcess app : allApps()) {
                assertThat(readiness.saw(app, 503, cutAt)).as("%s said not ready during the cut: %s", app,
                        readiness.changes(app)).isTrue();
                assertThat(readiness.readySince(app)).as("%s ready again after the cut", app).isAfter(restoredAt);
            }
            // Which worker ran the jobs queued during the cut depends on which reconnected first; what must hold is
            // that each consumes again, so each is given jobs (long enough for the ledger to see them start) until
            // it has run one.
            for (AppProcess worker : platform.workers()) {
                await("jobs " + worker + " started after the cut ended").atMost(ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> {
                            for (int i = 0; i < 4; i++) {
                                api.accept(job(0, "after-cut"));
                            }
                            return platform.ledger().executionsOn(FaultPlatform.workerId(worker)).stream()
                                    .anyMatch(execution -> execution.startedAt().isAfter(restoredAt));
                        });
            }
        }
    }

    // ---- helpers

    /** Waits until every app is ready and a new job runs; answers how long that took since {@code since}. */
    private Duration awaitConsumingAgain(Instant since) {
        await("every app ready again").atMost(ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> allApps().stream().allMatch(app -> ReadinessWatch.readiness(app) == 200));
        UUID probe = UUID.fromString(api.accept(JobRequest.of("echo", json("{\"probe\":true}"))).path("id")
                .asString());
        api.awaitStatus(probe, errand.model.JobStatus.SUCCEEDED, ofSeconds(60));
        return Duration.between(since, Instant.now());
    }

    private static List<AppProcess> allApps() {
        List<AppProcess> apps = new ArrayList<>(platform.workers());
        apps.add(platform.apiProcess());
        return apps;
    }

    private static JobRequest job(int i, String marker) {
        if (i % 4 == 0) {
            return JobRequest.of("sleep", json("{\"millis\":300}"));
        }
        return JobRequest.of("echo", json("{\"n\":%d,\"marker\":\"%s\"}".formatted(i, marker)));
    }

    private static Map<UUID, JsonNode> expectedResults(JobStream stream, String marker) {
        Map<UUID, JsonNode> expected = new HashMap<>();
        stream.acceptedByIndex().forEach((i, id) -> {
            JobRequest request = job(i, marker);
            expected.put(id, request.type().equals("sleep") ? json("{\"sleptMillis\":300}") : request.payload());
        });
        return expected;
    }
}
