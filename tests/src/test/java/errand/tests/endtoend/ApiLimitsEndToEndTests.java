package errand.tests.endtoend;

import static errand.tests.support.JobAssert.assertThatJob;
import static errand.tests.support.JobAssert.assertThatProblem;
import static errand.tests.support.JobFixtures.anEchoJobNumbered;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import errand.model.JobStatus;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandClient.Response;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.JobRequest;
import errand.tests.support.PrometheusScrape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The API's own limits from the README's settings table, with small values: {@code errand.api.jobs.max-queued}
 * (unfinished jobs beyond which submits get {@code 429} with {@code Retry-After}) and
 * {@code errand.api.jobs.max-wait} (the longest long-poll). No worker runs, so every accepted job stays QUEUED
 * until the test cancels it.
 */
class ApiLimitsEndToEndTests {

    private static final int MAX_QUEUED = 5;
    private static final Duration MAX_WAIT = Duration.ofSeconds(2);

    // one worker only teaches the API the built-in types (they stay known in its database), then it is stopped
    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withOneWorker()
            .apiArguments("--errand.api.jobs.max-queued=" + MAX_QUEUED, "--errand.api.jobs.max-wait=" + MAX_WAIT);

    private final ErrandClient api = platform.api();

    @BeforeAll
    static void stopTheWorkers() {
        platform.stopWorkers();
    }

    @Test
    void answers429WithRetryAfterOnceMaxQueuedJobsAreUnfinishedAndAcceptsAgainWhenTheyEnd() {
        awaitUnfinishedJobsCounted(0);
        List<UUID> queued = new ArrayList<>();
        for (int i = 0; i < MAX_QUEUED; i++) {
            queued.add(accept(anEchoJobNumbered(i)));
        }
        // the API counts its backlog periodically, not per submit: wait until its count has seen them
        awaitUnfinishedJobsCounted(MAX_QUEUED);
        long rows = platform.jobTable().count();

        Response single = api.submit(anEchoJobNumbered(MAX_QUEUED));
        Response batch = api.submitBatch(List.of(anEchoJobNumbered(MAX_QUEUED + 1)));

        for (Response refused : List.of(single, batch)) {
            assertThatProblem(refused).isProblem(429);
            assertThat(refused.json().path("type").asString()).as("%s", refused).isEqualTo("/problems/too-many-queued");
            assertThat(refused.header("Retry-After")).as("Retry-After of %s", refused).hasValueSatisfying(
                    seconds -> assertThat(Integer.parseInt(seconds)).isPositive());
        }
        assertThat(platform.jobTable().count()).as("job rows: the refused submits recorded nothing")
                .isEqualTo(rows);

        // cancelled jobs are finished: the room comes back without any worker
        queued.forEach(this::cancel);
        Response accepted = await("a submit accepted again").atMost(ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> api.submit(anEchoJobNumbered(MAX_QUEUED + 2)), response -> response.status() != 429);
        assertThat(accepted.status()).as("%s", accepted).isEqualTo(202);
        cancel(accepted.jobId());
    }

    @Test
    void answersALongPollAsLongAsMaxWaitWithTheJobStillQueued() {
        UUID id = accept(anEchoJobNumbered(100));
        try {
            // no worker runs it: only the end of the wait can answer this
            Response response = api.getWaiting(id, MAX_WAIT);

            assertThat(response.status()).as("%s", response).isEqualTo(200);
            assertThatJob(response.json()).hasStatus(JobStatus.QUEUED);
        } finally {
            cancel(id);
        }
    }

    @Test
    void refusesALongPollLongerThanMaxWaitNamingTheLimit() {
        UUID id = accept(anEchoJobNumbered(101));
        try {
            Response response = api.getWaiting(id, MAX_WAIT.plusSeconds(1));

            assertThatProblem(response).isProblem(400).detailMentions("wait").detailMentions(MAX_WAIT.toString());
        } finally {
            cancel(id);
        }
    }

    private UUID accept(JobRequest job) {
        return UUID.fromString(api.accept(job).path("id").asString());
    }

    private void cancel(UUID id) {
        assertThat(api.post(ErrandClient.JOBS + "/" + id + "/cancel", "application/json", "", null).status())
                .as("cancel %s", id).isEqualTo(202);
    }

    /** Waits until the API's own count of unfinished jobs (its {@code errand_jobs_unfinished} gauge) is {@code n}. */
    private static void awaitUnfinishedJobsCounted(int n) {
        await("the API counts " + n + " unfinished jobs").atMost(ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> PrometheusScrape.of(platform.apiProcess()).sum("errand_jobs_unfinished") == n);
    }
}
