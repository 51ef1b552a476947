package errand.tests.endtoend;

import static errand.tests.support.JobAssert.assertThatJob;
import static errand.tests.support.JobAssert.assertThatProblem;
import static errand.tests.support.JobFixtures.aSleepJob;
import static errand.tests.support.JobFixtures.anEchoJob;
import static errand.tests.support.JobFixtures.json;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import errand.model.JobStatus;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandClient.EventStream;
import errand.tests.support.ErrandClient.Response;
import errand.tests.support.ErrandPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** A client follows a job without polling: the long-poll, the event stream, and the paged list. */
class JobObservationEndToEndTests {

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.shared();

    private final ErrandClient api = platform.api();

    @Test
    void longPollAnswersAsSoonAsTheJobEnds() {
        UUID id = api.accept(aSleepJob(Duration.ofSeconds(2))).path("id").asString().transform(UUID::fromString);
        Duration wait = ofSeconds(60);

        long started = System.nanoTime();
        Response response = api.getWaiting(id, wait);
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.status()).as("%s", response).isEqualTo(200);
        assertThatJob(response.json()).succeededWith(json("{\"sleptMillis\":2000}"));
        assertThat(waited).as("answered before its wait ran out").isLessThan(wait);
    }

    @Test
    void longPollAnswersWithTheUnfinishedJobWhenTheWaitEnds() {
        UUID id = api.accept(aSleepJob(Duration.ofSeconds(8))).path("id").asString().transform(UUID::fromString);

        long started = System.nanoTime();
        Response response = api.getWaiting(id, ofSeconds(1));
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.status()).as("%s", response).isEqualTo(200);
        assertThat(JobStatus.valueOf(response.json().path("status").asString()).isTerminal())
                .as("job after a 1 s wait: %s", response).isFalse();
        assertThat(waited).as("the API held the request for the whole wait").isGreaterThanOrEqualTo(ofSeconds(1));
    }

    @Test
    void longPollRefusesAWaitThatIsNotADuration() {
        UUID id = api.accept(anEchoJob(json("{\"marker\":\"wait\"}"))).path("id").asString()
                .transform(UUID::fromString);

        Response response = api.get(ErrandClient.JOBS + "/" + id + "?wait=forever");

        assertThatProblem(response).isProblem(400).detailMentions("wait");
    }

    @Test
    void eventStreamSendsEachChangeAndClosesAfterTheTerminalOne() {
        // the delay keeps the job waiting long enough for the stream to open before it runs
        UUID id = api.accept(aSleepJob(Duration.ofMillis(1500)).withDelay(ofSeconds(2))).path("id").asString()
                .transform(UUID::fromString);

        EventStream stream = api.events(id, ofSeconds(30));

        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.contentType()).startsWith("text/event-stream");
        assertThat(stream.closedByServer()).as("closed after the terminal event: %s", stream.statuses()).isTrue();
        assertThat(stream.statuses()).as("statuses seen").containsSubsequence("RUNNING", "SUCCEEDED")
                .endsWith("SUCCEEDED")
                .containsOnlyOnce("SUCCEEDED");
        assertThat(stream.events()).allSatisfy(event -> assertThat(event.path("id").asString()).isEqualTo(
                id.toString()));
        assertThatJob(stream.events().getLast()).succeededWith(json("{\"sleptMillis\":1500}"));
    }

    @Test
    void eventStreamOfAFinishedJobSendsItsOutcomeAndCloses() {
        UUID id = api.accept(anEchoJob(json("{\"marker\":\"late\"}"))).path("id").asString()
                .transform(UUID::fromString);
        api.awaitStatus(id, JobStatus.SUCCEEDED, ofSeconds(30));

        EventStream stream = api.events(id, ofSeconds(10));

        assertThat(stream.closedByServer()).isTrue();
        assertThat(stream.statuses()).containsExactly("SUCCEEDED");
    }

    @Test
    void eventStreamOfAnUnknownJobIsNotFound() {
        Response response = api.get(ErrandClient.JOBS + "/" + UUID.randomUUID() + "/events");

        assertThatProblem(response).isProblem(404);
    }

    @Test
    void listsJobsNewestFirstInPagesJoinedByACursor() {
        List<UUID> submitted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            submitted.add(api.accept(anEchoJob(json("{\"marker\":\"page\",\"n\":%d}".formatted(i)))).path("id")
                    .asString().transform(UUID::fromString));
        }
        submitted.forEach(id -> api.awaitStatus(id, JobStatus.SUCCEEDED, ofSeconds(30)));
        // on the shared platform other classes' echo jobs are listed too: the cursor must run out within their pages
        int echoJobs = Math.toIntExact(platform.jobTable().countWithType("echo"));

        List<UUID> listed = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Response page = api.list("type=echo&limit=2" + (cursor == null ? "" : "&after=" + cursor));
            assertThat(page.status()).as("%s", page).isEqualTo(200);
            JsonNode jobs = page.json().path("jobs");
            assertThat(jobs.size()).as("page size").isBetween(0, 2);
            jobs.forEach(job -> {
                assertThat(job.path("type").asString()).isEqualTo("echo");
                listed.add(UUID.fromString(job.path("id").asString()));
            });
            JsonNode next = page.json().path("next");
            cursor = next.isNull() || next.isMissingNode() ? null : next.asString();
            assertThat(++pages).as("pages before the cursor ran out, for %d echo jobs", echoJobs)
                    .isLessThanOrEqualTo(echoJobs / 2 + 1);
        } while (cursor != null);

        assertThat(listed).doesNotHaveDuplicates();
        assertThat(listed).containsSubsequence(submitted.reversed());
        assertThat(pages).isGreaterThanOrEqualTo(3);
    }

    @Test
    void listsOnlyJobsOfTheRequestedStatus() {
        UUID done = api.accept(anEchoJob(json("{\"marker\":\"status\"}"))).path("id").asString()
                .transform(UUID::fromString);
        api.awaitStatus(done, JobStatus.SUCCEEDED, ofSeconds(30));
        UUID waiting = api.accept(aSleepJob(Duration.ofMillis(100)).withDelay(ofSeconds(30))).path("id").asString()
                .transform(UUID::fromString);

        Set<UUID> succeeded = idsOf(api.list("status=SUCCEEDED&limit=500"), "SUCCEEDED");
        Set<UUID> queued = idsOf(api.list("status=QUEUED&limit=500"), "QUEUED");

        assertThat(succeeded).contains(done).doesNotContain(waiting);
        assertThat(queued).contains(waiting).doesNotContain(done);
    }

    @Test
    void answersNotFoundForAnUnknownJob() {
        Response response = api.get(UUID.randomUUID());

        assertThatProblem(response).isProblem(404);
    }

    private static Set<UUID> idsOf(Response page, String status) {
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        Set<UUID> ids = new LinkedHashSet<>();
        for (JsonNode job : page.json().path("jobs")) {
            assertThat(job.path("status").asString()).as("%s", job).isEqualTo(status);
            ids.add(UUID.fromString(job.path("id").asString()));
        }
        return ids;
    }
}
