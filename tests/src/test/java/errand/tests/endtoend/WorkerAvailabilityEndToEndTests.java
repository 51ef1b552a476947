package errand.tests.endtoend;

import static errand.tests.support.JobAssert.assertThatJob;
import static errand.tests.support.JobFixtures.aPrimeCountJob;
import static errand.tests.support.JobFixtures.aSleepJob;
import static errand.tests.support.JobFixtures.anEchoJob;
import static errand.tests.support.JobFixtures.json;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import errand.model.JobStatus;
import errand.tests.support.AppProcess;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandPlatform;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Jobs outlive their workers: accepted while none runs, run when one comes back, rerun when one dies mid-job; and
 * the API remembers the announced task types across its own restart.
 */
class WorkerAvailabilityEndToEndTests {

    // its own platform, not the shared one: it stops the workers and restarts the API
    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withOneWorker();

    private final ErrandClient api = platform.api();

    @BeforeEach
    void oneWorkerRuns() {
        platform.ensureOneWorkerRuns();
    }

    @Test
    void acceptsAJobOfAKnownTypeWhileNoWorkerRunsAndRunsItWhenOneStarts() {
        platform.stopWorkers();

        JsonNode accepted = api.accept(anEchoJob(json("{\"marker\":\"no-worker\"}")));

        UUID id = UUID.fromString(accepted.path("id").asString());
        assertThatJob(accepted).hasStatus(JobStatus.QUEUED);
        await("job stays queued while no worker runs").during(ofSeconds(3)).atMost(ofSeconds(5))
                .untilAsserted(() -> assertThatJob(api.job(id)).hasStatus(JobStatus.QUEUED));

        platform.startWorker();

        assertThatJob(api.awaitTerminal(id, ofSeconds(60))).succeededWith(json("{\"marker\":\"no-worker\"}"));
    }

    @Test
    void remembersAnnouncedTaskTypesAcrossAnApiRestart() {
        platform.stopWorkers();
        platform.restartApi();

        assertThat(api.taskType("prime-count")).as("types known to the restarted API").isPresent();
        JsonNode accepted = api.accept(aPrimeCountJob(1000));
        UUID id = UUID.fromString(accepted.path("id").asString());
        assertThatJob(accepted).hasStatus(JobStatus.QUEUED);

        platform.startWorker();

        assertThatJob(api.awaitTerminal(id, ofSeconds(60))).succeededWith(json("{\"count\":168}"));
    }

    @Test
    void rerunsAJobWhoseWorkerIsKilledMidRun() {
        AppProcess doomed = platform.runningWorkers().getFirst();
        UUID id = UUID.fromString(api.accept(aSleepJob(Duration.ofSeconds(5))).path("id").asString());
        api.awaitStatus(id, JobStatus.RUNNING, ofSeconds(30));

        doomed.kill();
        platform.startWorker();

        JsonNode job = api.awaitTerminal(id, ofSeconds(90));
        assertThatJob(job).succeededWith(json("{\"sleptMillis\":5000}"));
        Map<UUID, Integer> succeeded = platform.jobTable().succeededAttemptsPerJob(List.of(id));
        assertThat(succeeded).as("recorded successful attempts").containsExactly(Map.entry(id, 1));
    }

    @Test
    void shortJobsKeepFlowingWhileALongOneRuns() {
        UUID longJob = UUID.fromString(api.accept(aSleepJob(Duration.ofSeconds(15))).path("id").asString());
        api.awaitStatus(longJob, JobStatus.RUNNING, ofSeconds(30));

        List<Instant> shortJobsFinished = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UUID shortJob = UUID.fromString(api.accept(aPrimeCountJob(1000)).path("id").asString());
            JsonNode done = api.awaitTerminal(shortJob, ofSeconds(30));
            assertThatJob(done).succeededWith(json("{\"count\":168}"));
            shortJobsFinished.add(Instant.parse(done.path("finishedAt").asString()));
        }

        JsonNode longDone = api.awaitTerminal(longJob, ofSeconds(60));
        assertThatJob(longDone).succeededWith(json("{\"sleptMillis\":15000}"));
        assertThat(shortJobsFinished).as("short jobs finished before the long one")
                .allSatisfy(finished -> assertThat(finished).isBefore(Instant.parse(
                        longDone.path("finishedAt").asString())));
    }
}
