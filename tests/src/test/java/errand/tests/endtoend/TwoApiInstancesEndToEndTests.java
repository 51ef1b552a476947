package errand.tests.endtoend;

import static errand.tests.support.JobAssert.assertThatJob;
import static errand.tests.support.JobFixtures.aSleepJob;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import errand.model.JobStatus;
import errand.tests.support.AppProcess;
import errand.tests.support.BrokerSpy;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandClient.Response;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.JobFixtures;
import errand.tests.support.JobLedger;
import errand.tests.support.JobRequest;
import errand.tests.support.JobTable;
import errand.tests.support.PrometheusScrape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Two API instances on one vhost and one database, as the README's scaling note has it: the API is stateless, and
 * the outbox relay and the reply consumer share work (claims through {@code SKIP LOCKED}, competing consumers of
 * {@code errand.results}). A job submitted on one instance is seen to end on the other, and sharing never publishes
 * or completes a job twice.
 */
class TwoApiInstancesEndToEndTests {

    private static final System.Logger LOG = System.getLogger(TwoApiInstancesEndToEndTests.class.getName());
    private static final int JOBS = 400;
    private static final int BATCH = 20;

    // its own platform, not the shared one: it adds a second API and counts what each API's relay published
    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withOneWorker();

    private static AppProcess apiB;
    private static ErrandClient b;

    @BeforeAll
    static void startTheSecondApi() {
        apiB = platform.startAnotherApi();
        b = new ErrandClient(apiB::baseUri);
    }

    @Test
    void aJobSubmittedOnOneInstanceIsSeenToEndByLongPollAndEventsOnTheOther() {
        // long enough that the long-poll and the event stream on B are open before the job ends
        JobRequest job = aSleepJob(Duration.ofMillis(1500));
        UUID id = platform.api().submit(job).jobId();

        CompletableFuture<Response> longPoll = CompletableFuture.supplyAsync(
                () -> b.getWaiting(id, ofSeconds(30)), Thread::startVirtualThread);
        ErrandClient.EventStream events = b.events(id, ofSeconds(30));

        assertThat(events.status()).isEqualTo(200);
        assertThat(events.closedByServer()).as("the stream ends with the job: %s", events.statuses()).isTrue();
        assertThat(events.statuses()).last().isEqualTo("SUCCEEDED");
        Response answer = longPoll.join();
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        assertThatJob(answer.json()).hasStatus(JobStatus.SUCCEEDED).hasAttempts(1);
    }

    @Test
    void bothInstancesPublishAndApplyResultsAndEveryJobIsPublishedAndCompletedOnce() throws Exception {
        PrometheusScrape beforeA = PrometheusScrape.of(platform.apiProcess());
        PrometheusScrape beforeB = PrometheusScrape.of(apiB);
        List<UUID> ids = Collections.synchronizedList(new ArrayList<>());
        try (BrokerSpy spy = BrokerSpy.onJobsExchange(platform.services(), "echo");
                JobLedger ledger = JobLedger.start(platform.services())) {
            // both instances take submits at the same time, so both relays find rows of either to claim
            List<List<JobRequest>> batches = IntStream.range(0, JOBS / BATCH)
                    .mapToObj(i -> IntStream.range(i * BATCH, (i + 1) * BATCH).mapToObj(JobFixtures::anEchoJobNumbered)
                            .toList())
                    .toList();
            List<CompletableFuture<Void>> submitting = new ArrayList<>();
            for (int i = 0; i < batches.size(); i++) {
                ErrandClient api = i % 2 == 0 ? platform.api() : b;
                List<JobRequest> batch = batches.get(i);
                submitting.add(CompletableFuture.runAsync(() -> ids.addAll(accepted(api.submitBatch(batch))),
                        Thread::startVirtualThread));
            }
            submitting.forEach(CompletableFuture::join);
            assertThat(ids).hasSize(JOBS).doesNotHaveDuplicates();

            await("all " + JOBS + " jobs SUCCEEDED").atMost(ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> platform.jobTable().countWithStatus(ids, "SUCCEEDED") == JOBS);

            // published once: the broker saw each job's message exactly once
            Map<String, Long> published = await().atMost(ofSeconds(10)).until(
                    () -> countsOf(spy.messageIds()), counts -> counts.size() == JOBS);
            assertThat(published).as("job messages per job id").allSatisfy((id, times) -> assertThat(times)
                    .as("messages of job %s", id).isEqualTo(1));
            assertThat(published.keySet()).containsExactlyInAnyOrderElementsOf(
                    ids.stream().map(UUID::toString).toList());
            // completed once: one run, one recorded outcome, attempt 1
            assertThat(ledger.executedMoreThanOnce(ids)).as("jobs run more than once").isEmpty();
            assertThat(platform.jobTable().succeededAttemptsPerJob(ids)).hasSize(JOBS)
                    .allSatisfy((id, succeeded) -> assertThat(succeeded).as("SUCCEEDED attempts of %s", id)
                            .isEqualTo(1));
            for (UUID id : ids.subList(0, 20)) {
                assertThat(platform.jobTable().row(id)).as("row of %s", id)
                        .isEqualTo(new JobTable.Row("SUCCEEDED", 1));
            }
        }

        // a relay counts a round once it is marked published, which may come after its jobs ran: wait for the sum
        await("both relays' counts add up to " + JOBS).atMost(ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> delta(beforeA, PrometheusScrape.of(platform.apiProcess()), "errand_outbox_published_total")
                        + delta(beforeB, PrometheusScrape.of(apiB), "errand_outbox_published_total") >= JOBS);
        PrometheusScrape afterA = PrometheusScrape.of(platform.apiProcess());
        PrometheusScrape afterB = PrometheusScrape.of(apiB);
        double publishedByA = delta(beforeA, afterA, "errand_outbox_published_total");
        double publishedByB = delta(beforeB, afterB, "errand_outbox_published_total");
        double appliedByA = delta(beforeA, afterA, "errand_results_applied_total");
        double appliedByB = delta(beforeB, afterB, "errand_results_applied_total");
        LOG.log(System.Logger.Level.INFO, "published by api-1 {0}, api-2 {1}; results applied by api-1 {2}, api-2 {3}",
                publishedByA, publishedByB, appliedByA, appliedByB);
        assertThat(publishedByA).as("published by api-1").isPositive();
        assertThat(publishedByB).as("published by api-2").isPositive();
        // no row was claimed by both relays
        assertThat(publishedByA + publishedByB).as("published by both").isEqualTo(JOBS);
        assertThat(appliedByA).as("results applied by api-1").isPositive();
        assertThat(appliedByB).as("results applied by api-2").isPositive();
    }

    @Test
    void aKeyDeletedOnOneInstanceStopsWorkingOnTheOther() {
        Response created = platform.api().post("/api/v1/keys", "application/json",
                "{\"name\":\"revoked-elsewhere\",\"tenant\":\"default\",\"scopes\":[\"jobs:read\"]}", null);
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        ErrandClient onB = b.withKey(created.json().path("secret").asString());
        assertThat(onB.list("limit=1").status()).isEqualTo(200);

        Response deleted = platform.api().delete("/api/v1/keys/" + created.json().path("id").asString());

        assertThat(deleted.status()).isEqualTo(204);
        // the contract allows 5 seconds (each instance trusts what it read about a key for keyCacheTtl, at most 4 s);
        // the bound here is looser so a slow machine does not fail it
        await("the key refused by api-2").atMost(ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> onB.list("limit=1").status() == 401);
    }

    private static List<UUID> accepted(Response response) {
        assertThat(response.status()).as("%s", response).isEqualTo(202);
        List<UUID> ids = new ArrayList<>();
        for (JsonNode job : response.json().path("jobs")) {
            ids.add(UUID.fromString(job.path("id").asString()));
        }
        return ids;
    }

    private static Map<String, Long> countsOf(List<String> messageIds) {
        return messageIds.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static double delta(PrometheusScrape before, PrometheusScrape after, String counter) {
        return after.sum(counter) - before.sum(counter);
    }
}
