package errand.tests.endtoend;

import static errand.tests.support.JobFixtures.echoJobsNumbered;
import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandClient.Response;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.JobRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * A thousand jobs at once, through two competing workers: every one accepted, run, and recorded exactly once, as
 * both the API and the database tell.
 */
class ConcurrentJobsEndToEndTests {

    private static final int JOBS = 1000;
    private static final Duration ALL_DONE = ofMinutes(5);

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withWorkers(2);

    private final ErrandClient api = platform.api();

    @Test
    void runsAThousandJobsSubmittedInOneBatchExactlyOnceEach() {
        List<JobRequest> requests = echoJobsNumbered(JOBS);

        Response response = api.submitBatch(requests);

        assertThat(response.status()).as("%s", response).isEqualTo(202);
        JsonNode accepted = response.json().path("jobs");
        assertThat(accepted).hasSize(JOBS);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            JsonNode job = accepted.get(i);
            assertThat(job.path("payload")).as("job %d answered in submission order", i)
                    .isEqualTo(requests.get(i).payload());
            ids.add(UUID.fromString(job.path("id").asString()));
        }
        assertEveryJobSucceededExactlyOnce(ids, requests);
    }

    @Test
    void runsAThousandJobsSubmittedConcurrentlyExactlyOnceEach() throws Exception {
        List<JobRequest> requests = echoJobsNumbered(JOBS);
        List<Future<Response>> submitted = new ArrayList<>();

        try (ExecutorService clients = Executors.newFixedThreadPool(16)) {
            for (JobRequest request : requests) {
                submitted.add(clients.submit(() -> api.submit(request)));
            }
        }

        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            Response response = submitted.get(i).get();
            assertThat(response.status()).as("%s", response).isEqualTo(202);
            assertThat(response.json().path("payload")).isEqualTo(requests.get(i).payload());
            ids.add(response.jobId());
        }
        assertEveryJobSucceededExactlyOnce(ids, requests);
    }

    private void assertEveryJobSucceededExactlyOnce(List<UUID> ids, List<JobRequest> requests) {
        assertThat(new HashSet<>(ids)).as("distinct job ids").hasSize(JOBS);

        await("all %d jobs SUCCEEDED in the store".formatted(JOBS)).atMost(ALL_DONE)
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(platform.jobTable().countWithStatus(ids, "SUCCEEDED"))
                        .isEqualTo(JOBS));

        Map<UUID, Integer> succeededAttempts = platform.jobTable().succeededAttemptsPerJob(ids);
        assertThat(succeededAttempts).as("one recorded successful attempt per job").hasSize(JOBS)
                .allSatisfy((id, count) -> assertThat(count).as("successful attempts of %s", id).isEqualTo(1));

        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService readers = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < JOBS; i++) {
                UUID id = ids.get(i);
                JsonNode payload = requests.get(i).payload();
                readers.submit(() -> {
                    try {
                        JsonNode job = api.job(id);
                        if (!"SUCCEEDED".equals(job.path("status").asString(""))
                                || !payload.equals(job.get("result"))
                                || job.path("attempts").asInt() != 1) {
                            problems.add(job.toString());
                        }
                    } catch (RuntimeException | AssertionError e) {
                        problems.add(id + ": " + e);
                    }
                });
            }
        }
        assertThat(problems).as("jobs the API shows as anything but succeeded once with their payload").isEmpty();
    }
}
