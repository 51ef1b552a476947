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

import errand.model.Topology;
import errand.tests.support.ErrandClient;
import errand.tests.support.FaultPlatform;
import errand.tests.support.FaultVerdict;
import errand.tests.support.JobRecords;
import errand.tests.support.JobRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every API instance down while workers finish jobs: the workers' results wait in the durable {@code errand.results}
 * queue, nothing is applied meanwhile, and when an API instance comes back it applies them all. Jobs that finish
 * while the API is still stopping are applied by it, so the test judges the ones that were not terminal once it was
 * gone.
 */
class ApiOutageFailureTests {

    private static final int JOBS = 40;
    private static final Duration SLEEP = ofSeconds(2);

    @RegisterExtension
    static final FaultPlatform platform = FaultPlatform.withWorkers(2)
            .workerArguments("--errand.worker.concurrency.sleep=4");

    private final ErrandClient api = platform.api();

    @Test
    void appliesResultsPublishedWhileTheApiWasDownWhenItComesBack() {
        List<UUID> jobs = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            jobs.add(api.submit(JobRequest.of("sleep", json("{\"millis\":%d}".formatted(SLEEP.toMillis())))).jobId());
        }
        JobRecords records = platform.records();
        await("every job published to the broker").atMost(ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> records.jobs(jobs).values().stream().allMatch(JobRecords.JobRow::published));

        platform.apiProcess().stop();
        // The first jobs may finish, and be applied, while the API is still stopping (it takes seconds on a loaded
        // machine, the jobs 2 s): only the ones not terminal now have their results published while no API runs.
        Set<UUID> terminalAtStop = terminal(records, jobs);
        int finishedWhileDown = JOBS - terminalAtStop.size();

        await("workers finish every job while the API is down").atMost(ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> platform.ledger().jobsWithAResult(jobs) == JOBS);
        assertThat(finishedWhileDown).as("jobs that finished while no API ran").isPositive();
        assertThat(terminal(records, jobs)).as("jobs terminal in the store while no API runs: those at the stop")
                .isEqualTo(terminalAtStop);
        // outcomes ready together travel as one message, so there may be fewer messages than jobs
        assertThat(platform.broker().queue(Topology.RESULTS_QUEUE).messages())
                .as("events waiting in %s", Topology.RESULTS_QUEUE).isPositive();

        Instant restarting = Instant.now();
        platform.apiProcess().restart();
        FaultVerdict verdict = FaultVerdict.awaitOutcomes(platform, jobs, ofMinutes(2));
        Duration recovered = Duration.between(restarting, Instant.now());
        verdict.report(getClass(), "API stopped while workers finish jobs, then restarted",
                "appliesResultsPublishedWhileTheApiWasDownWhenItComesBack", JOBS, recovered);

        verdict.assertEverySucceeded(id -> json("{\"sleptMillis\":%d}".formatted(SLEEP.toMillis())));
        assertThat(verdict.executedTwice()).as("jobs run more than once").isEmpty();
        await("the reply queue drained").atMost(ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> platform.broker().queue(Topology.RESULTS_QUEUE).messages() == 0);
    }

    private static Set<UUID> terminal(JobRecords records, List<UUID> jobs) {
        return records.jobs(jobs).values().stream().filter(JobRecords.JobRow::isTerminal).map(JobRecords.JobRow::id)
                .collect(Collectors.toSet());
    }
}
