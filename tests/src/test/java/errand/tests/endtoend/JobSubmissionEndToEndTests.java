package errand.tests.endtoend;

import static errand.tests.support.JobAssert.assertThatJob;
import static errand.tests.support.JobAssert.assertThatProblem;
import static errand.tests.support.JobFixtures.aPrimeCountJob;
import static errand.tests.support.JobFixtures.aSleepJob;
import static errand.tests.support.JobFixtures.anEchoJob;
import static errand.tests.support.JobFixtures.json;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import errand.model.JobStatus;
import errand.tests.support.BrokerSpy;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandClient.Response;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.JobRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** Submitting jobs: what the API answers, idempotent resubmits, and batches that are all or nothing. */
class JobSubmissionEndToEndTests {

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.shared();

    private final ErrandClient api = platform.api();

    @Test
    void answersAcceptedWithTheJobAndWhereToFindIt() {
        JsonNode payload = json("{\"marker\":\"accepted\"}");

        Response response = api.submit(anEchoJob(payload));

        assertThat(response.status()).as("%s", response).isEqualTo(202);
        JsonNode job = response.json();
        UUID id = UUID.fromString(job.path("id").asString());
        assertThatJob(job).hasType("echo").hasPayload(payload).hasTimestamps("createdAt");
        assertThat(job.path("status").asString()).as("the job as accepted").isEqualTo("QUEUED");
        String location = response.header("Location").orElseThrow();
        assertThat(location).endsWith("/api/v1/jobs/" + id);
        assertThat(api.get(java.net.URI.create(location).getPath()).json().path("id").asString())
                .isEqualTo(id.toString());
        assertThatJob(api.awaitTerminal(id, ofSeconds(30))).succeededWith(payload);
    }

    @Test
    void resubmittingWithTheSameIdempotencyKeyReturnsTheSameJobAndRunsItOnce() throws Exception {
        String key = "order-" + UUID.randomUUID();
        JobRequest request = anEchoJob(json("{\"marker\":\"%s\"}".formatted(key)));
        Set<String> otherJobs = platform.jobTable().ids();

        try (BrokerSpy spy = BrokerSpy.onJobsExchange(platform.services(), "echo")) {
            Response first = api.submit(request, key);
            Response second = api.submit(request, key);
            UUID id = first.jobId();
            assertThatJob(api.awaitTerminal(id, ofSeconds(30))).succeededWith(request.payload());
            Response third = api.submit(request, key);

            assertThat(first.status()).as("%s", first).isEqualTo(202);
            assertThat(second.status()).as("%s", second).isEqualTo(202);
            assertThat(third.status()).as("%s", third).isEqualTo(202);
            assertThat(second.jobId()).isEqualTo(id);
            assertThat(third.jobId()).isEqualTo(id);
            assertThat(platform.jobTable().countWithMarker(key)).as("job rows").isEqualTo(1);
            await("only one job message published").during(ofSeconds(2)).atMost(ofSeconds(4))
                    .untilAsserted(() -> assertThat(spy.messageIdsExcept(otherJobs)).containsExactly(id.toString()));
            assertThatJob(api.job(id)).hasAttempts(1);
        }
    }

    @Test
    void sameIdempotencyKeyWithADifferentBodyIsAConflict() {
        String key = "order-" + UUID.randomUUID();
        Response first = api.submit(anEchoJob(json("{\"marker\":\"%s\",\"v\":1}".formatted(key))), key);

        Response conflicting = api.submit(anEchoJob(json("{\"marker\":\"%s\",\"v\":2}".formatted(key))), key);

        assertThat(first.status()).isEqualTo(202);
        assertThatProblem(conflicting).isProblem(409);
        assertThat(platform.jobTable().countWithMarker(key)).isEqualTo(1);
    }

    @Test
    void batchAnswersWithEveryJobInSubmissionOrderAndRunsThemAll() {
        List<JobRequest> requests = List.of(
                anEchoJob(json("{\"marker\":\"batch\",\"n\":0}")),
                aPrimeCountJob(100),
                aSleepJob(Duration.ofMillis(200)),
                anEchoJob(json("{\"marker\":\"batch\",\"n\":3}")),
                aPrimeCountJob(10));

        Response response = api.submitBatch(requests);

        assertThat(response.status()).as("%s", response).isEqualTo(202);
        JsonNode jobs = response.json().path("jobs");
        assertThat(jobs).hasSize(requests.size());
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            assertThatJob(jobs.get(i)).hasType(requests.get(i).type()).hasPayload(requests.get(i).payload());
            ids.add(UUID.fromString(jobs.get(i).path("id").asString()));
        }
        List<JsonNode> results = ids.stream().map(id -> api.awaitTerminal(id, ofSeconds(30)).path("result")).toList();
        assertThat(results).containsExactly(
                json("{\"marker\":\"batch\",\"n\":0}"),
                json("{\"count\":25}"),
                json("{\"sleptMillis\":200}"),
                json("{\"marker\":\"batch\",\"n\":3}"),
                json("{\"count\":4}"));
    }

    @Test
    void batchWithOneInvalidJobIsRejectedWhole() throws Exception {
        String marker = "all-or-nothing-" + UUID.randomUUID();
        List<JobRequest> requests = List.of(
                anEchoJob(json("{\"marker\":\"%s\"}".formatted(marker))),
                JobRequest.of("prime-count", json("{\"upTo\":-5,\"marker\":\"%s\"}".formatted(marker))),
                anEchoJob(json("{\"marker\":\"%s\"}".formatted(marker))));
        Set<String> otherJobs = platform.jobTable().ids();

        try (BrokerSpy spy = BrokerSpy.onJobsExchange(platform.services(), "echo", "prime-count")) {
            Response response = api.submitBatch(requests);

            assertThatProblem(response).isProblem(400).hasErrorOn("/jobs/1/payload/upTo", "minimum");
            assertThat(platform.jobTable().countWithMarker(marker)).as("job rows").isZero();
            UUID sentinel = api.accept(anEchoJob(json("{\"marker\":\"sentinel\"}"))).path("id").asString()
                    .transform(UUID::fromString);
            await("sentinel published").atMost(ofSeconds(30))
                    .until(() -> spy.messageIds().contains(sentinel.toString()));
            assertThat(spy.messageIdsExcept(otherJobs)).as("published job messages")
                    .containsExactly(sentinel.toString());
        }
    }

    @Test
    void delayedJobWaitsBeforeItRuns() {
        long submitted = System.nanoTime();
        UUID id = UUID.fromString(api.accept(anEchoJob(json("{\"marker\":\"delayed\"}")).withDelay(ofSeconds(3)))
                .path("id").asString());

        JsonNode job = api.awaitStatus(id, JobStatus.SUCCEEDED, ofSeconds(30));

        assertThat(Duration.ofNanos(System.nanoTime() - submitted)).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
        assertThat(Duration.between(java.time.Instant.parse(job.path("createdAt").asString()),
                java.time.Instant.parse(job.path("startedAt").asString())))
                .isGreaterThanOrEqualTo(Duration.ofMillis(2900));
    }
}
