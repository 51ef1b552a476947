package errand.tests;

import static errand.tests.JobFixtures.json;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * {@code kill -9} of the API in the middle of a stream of single submissions from concurrent clients: every job that
 * got a {@code 202} was committed before the answer, so after the restart the outbox relay publishes what the dead
 * instance had not, and every accepted job completes. The clients resubmit with their {@code Idempotency-Key} until
 * accepted, so an answer lost in the crash never becomes a second job.
 */
class ApiCrashFailureTests {

    private static final int JOBS = 300;
    private static final String MARKER = "api-crash";

    @RegisterExtension
    static final FaultPlatform platform = FaultPlatform.withWorkers(2);

    private final ErrandClient api = platform.api();

    @Test
    void completesEveryAcceptedJobAfterTheApiIsKilledMidStream() {
        AppProcess apiProcess = platform.apiProcess();
        Duration restartTook;
        try (JobStream stream = JobStream.start(api, MARKER, JOBS, 8, ApiCrashFailureTests::job,
                Duration.ofMillis(200), ofMinutes(3))) {
            await("a third of the stream accepted").atMost(ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                    .until(() -> stream.acceptedCount() >= JOBS / 3);

            apiProcess.kill();
            Instant killedAt = Instant.now();
            int acceptedBeforeKill = stream.acceptedCount();
            apiProcess.restart();
            restartTook = Duration.between(killedAt, Instant.now());

            stream.awaitDone(ofMinutes(4));
            System.getLogger(getClass().getName()).log(System.Logger.Level.INFO,
                    "{0}; {1} accepted before the kill; API back after {2} ms", stream.summary(),
                    acceptedBeforeKill, restartTook.toMillis());
            assertThat(stream.oddities()).as("odd answers").isEmpty();
            assertThat(stream.givenUp()).as("submissions never accepted").isEmpty();
            assertThat(acceptedBeforeKill).as("accepted before the kill").isLessThan(JOBS);

            Map<UUID, JsonNode> expected = new HashMap<>();
            stream.acceptedByIndex().forEach((i, id) -> expected.put(id, job(i).payload()));
            FaultVerdict verdict = FaultVerdict.awaitOutcomes(platform, expected.keySet(), ofMinutes(3))
                    .report(getClass(), "API `kill -9` mid-stream of submissions, restart",
                            "completesEveryAcceptedJobAfterTheApiIsKilledMidStream", JOBS, restartTook);

            verdict.assertEverySucceeded(expected::get);
            assertThat(new HashSet<>(platform.records().idsWithMarker(MARKER)))
                    .as("job rows of the stream: one per accepted job, none from a resubmission")
                    .isEqualTo(expected.keySet());
        }
    }

    private static JobRequest job(int i) {
        return JobRequest.of("echo", json("{\"n\":%d,\"marker\":\"%s\"}".formatted(i, MARKER)));
    }
}
