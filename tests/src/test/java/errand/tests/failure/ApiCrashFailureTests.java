package errand.tests.failure;

import static errand.tests.support.JobFixtures.json;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import errand.tests.support.AppProcess;
import errand.tests.support.ErrandClient;
import errand.tests.support.FaultPlatform;
import errand.tests.support.FaultVerdict;
import errand.tests.support.JobRecords;
import errand.tests.support.JobRequest;
import errand.tests.support.JobStream;
import errand.tests.support.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * {@code kill -9} of the API in the middle of a stream of single submissions from concurrent clients: every job that
 * got a {@code 202} was committed before the answer, so after the restart the outbox relay publishes what the dead
 * instance had not, and every accepted job completes. The clients resubmit with their {@code Idempotency-Key} until
 * accepted, so an answer lost in the crash never becomes a second job.
 *
 * <p>A kill alone rarely finds a job unpublished: the relay publishes within milliseconds of the commit. So the API
 * reaches RabbitMQ through a {@link TcpProxy} that the test cuts shortly before the kill: the jobs accepted after the
 * cut are committed but cannot be published, and the store is read at the kill to show that the dead instance left
 * some unpublished. Only the outbox can get those to the workers.
 */
class ApiCrashFailureTests {

    private static final int JOBS = 300;
    private static final int ACCEPTED_WHILE_CUT_OFF = 25;
    private static final String MARKER = "api-crash";

    @RegisterExtension
    static final FaultPlatform platform = FaultPlatform.withWorkers(2).apiReachesBrokerThroughProxy();

    private final ErrandClient api = platform.api();

    @Test
    void completesEveryAcceptedJobTheKilledApiLeftUnpublishedAfterItsRestart() {
        AppProcess apiProcess = platform.apiProcess();
        Duration restartTook;
        try (JobStream stream = JobStream.start(api, MARKER, JOBS, 8, ApiCrashFailureTests::job,
                Duration.ofMillis(200), ofMinutes(3))) {
            await("a third of the stream accepted").atMost(ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                    .until(() -> stream.acceptedCount() >= JOBS / 3);

            // The API keeps accepting (the row is the outbox) but can publish nothing from here on.
            platform.brokerLink().cut();
            int acceptedAtCut = stream.acceptedCount();
            await("jobs accepted while the API is cut off from the broker").atMost(ofSeconds(60))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> stream.acceptedCount() >= acceptedAtCut + ACCEPTED_WHILE_CUT_OFF);

            apiProcess.kill();
            Instant killedAt = Instant.now();
            int acceptedBeforeKill = stream.acceptedCount();
            // Read at once: no process but the dead API ever marks these rows published, so this is the kill's state.
            List<UUID> unpublishedAtKill = unpublished(platform.records().idsWithMarker(MARKER));
            platform.brokerLink().restore();
            apiProcess.restart();
            restartTook = Duration.between(killedAt, Instant.now());

            stream.awaitDone(ofMinutes(4));
            System.getLogger(getClass().getName()).log(System.Logger.Level.INFO,
                    "{0}; {1} accepted before the kill, {2} rows of the stream unpublished at the kill; API back "
                    + "after {3} ms", stream.summary(), acceptedBeforeKill, unpublishedAtKill.size(),
                    restartTook.toMillis());
            assertThat(stream.oddities()).as("odd answers").isEmpty();
            assertThat(stream.givenUp()).as("submissions never accepted").isEmpty();
            assertThat(acceptedBeforeKill).as("accepted before the kill").isLessThan(JOBS);
            assertThat(unpublishedAtKill).as("committed jobs the API had not published when it was killed")
                    .isNotEmpty();

            Map<UUID, JsonNode> expected = new HashMap<>();
            stream.acceptedByIndex().forEach((i, id) -> expected.put(id, job(i).payload()));
            FaultVerdict verdict = FaultVerdict.awaitOutcomes(platform, expected.keySet(), ofMinutes(3))
                    .report(getClass(), "API cut off from the broker, then `kill -9` mid-stream of submissions, "
                            + "restart", "completesEveryAcceptedJobTheKilledApiLeftUnpublishedAfterItsRestart", JOBS,
                            restartTook);

            // Exactly once as recorded: one SUCCEEDED row and attempt record per job (the ledger may still show a
            // second run of a row whose publish reached the broker just before the cut, but was never confirmed).
            verdict.assertEverySucceeded(expected::get);
            assertThat(verdict.lost()).as("lost jobs").isEmpty();
            assertThat(expected.keySet()).as("jobs left unpublished at the kill, all accepted in the end")
                    .containsAll(unpublishedAtKill);
            assertThat(new HashSet<>(platform.records().idsWithMarker(MARKER)))
                    .as("job rows of the stream: one per accepted job, none from a resubmission")
                    .isEqualTo(expected.keySet());
        }
    }

    private static List<UUID> unpublished(List<UUID> ids) {
        return platform.records().jobs(ids).values().stream().filter(row -> !row.published())
                .map(JobRecords.JobRow::id).toList();
    }

    private static JobRequest job(int i) {
        return JobRequest.of("echo", json("{\"n\":%d,\"marker\":\"%s\"}".formatted(i, MARKER)));
    }
}
