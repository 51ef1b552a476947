package errand.tests.endtoend;

import static errand.tests.support.JobFixtures.aFailingJob;
import static errand.tests.support.JobFixtures.anEchoJobNumbered;
import static errand.tests.support.JobFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.JobRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Batches a client waits on as a whole: a batch submit's id and Location, its maintained counts while jobs fail,
 * retry and get cancelled, the long-poll until DONE, its jobs paged in submission order with their results, its
 * outcome stream, the tenant's batches listed newest first, and tenants kept apart.
 */
class BatchesEndToEndTests {

    private static final Duration SHORT = Duration.ofSeconds(90);

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.shared();

    private static ErrandClient api() {
        return platform.api();
    }

    private static UUID submitBatch(ErrandClient client, List<JobRequest> jobs) {
        ErrandClient.Response response = client.submitBatch(jobs);
        assertThat(response.status()).as("%s", response).isEqualTo(202);
        UUID batchId = UUID.fromString(response.json().path("batchId").asString());
        assertThat(response.header("Location")).hasValue("/api/v1/batches/" + batchId);
        response.json().path("jobs").forEach(job ->
                assertThat(job.path("batchId").asString()).isEqualTo(batchId.toString()));
        return batchId;
    }

    private static JsonNode awaitDone(ErrandClient client, UUID batchId) {
        return await("batch " + batchId + " done").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ZERO)
                .until(() -> client.get("/api/v1/batches/" + batchId + "?wait=PT30S").json(),
                        batch -> "DONE".equals(batch.path("status").asString()));
    }

    @Test
    void aBatchOfAThousandIsWaitedOnAndPagedInSubmissionOrderWithEveryResult() {
        List<JobRequest> jobs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            jobs.add(anEchoJobNumbered(i));
        }
        UUID batchId = submitBatch(api(), jobs);

        JsonNode done = awaitDone(api(), batchId);

        assertThat(done.path("id").asString()).isEqualTo(batchId.toString());
        assertThat(done.path("size").asInt()).isEqualTo(1000);
        assertThat(done.path("counts").path("SUCCEEDED").asLong()).isEqualTo(1000);
        assertThat(done.path("finishedAt").isNull()).isFalse();
        List<JsonNode> read = new ArrayList<>();
        String next = null;
        do {
            JsonNode page = api().get("/api/v1/batches/" + batchId + "/jobs?limit=300"
                    + (next == null ? "" : "&after=" + next)).json();
            page.path("jobs").forEach(read::add);
            next = page.path("next").isNull() ? null : page.path("next").asString();
        } while (next != null);
        assertThat(read).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            JsonNode job = read.get(i);
            assertThat(job.path("status").asString()).isEqualTo("SUCCEEDED");
            assertThat(job.path("payload").path("n").asInt()).as("submission order").isEqualTo(i);
            assertThat(job.path("result")).isEqualTo(job.path("payload"));
        }
        JsonNode filtered = api().list("batch=" + batchId + "&limit=5").json();
        assertThat(filtered.path("jobs")).hasSize(5);
        filtered.path("jobs").forEach(job -> assertThat(job.path("batchId").asString())
                .isEqualTo(batchId.toString()));
    }

    @Test
    void theCountsStayRightWhileJobsFailRetryAndGetCancelled() {
        UUID batchId = submitBatch(api(), List.of(anEchoJobNumbered(1), aFailingJob(1, true), aFailingJob(3, false),
                anEchoJobNumbered(2).withDelay(Duration.ofHours(1)),
                anEchoJobNumbered(3).withDelay(Duration.ofHours(1))));
        JsonNode running = api().get("/api/v1/batches/" + batchId + "?wait=PT1S").json();
        assertThat(running.path("status").asString()).isEqualTo("RUNNING");
        await("the undelayed jobs end").atMost(SHORT).until(() -> {
            JsonNode counts = api().get("/api/v1/batches/" + batchId).json().path("counts");
            return counts.path("SUCCEEDED").asLong() == 2 && counts.path("FAILED").asLong() == 1;
        });

        ErrandClient.Response cancelled = api().post("/api/v1/batches/" + batchId + "/cancel", "application/json",
                "", null);

        assertThat(cancelled.status()).as("%s", cancelled).isEqualTo(200);
        assertThat(cancelled.json().path("counts").path("CANCELLED").asLong()).isEqualTo(2);
        JsonNode done = awaitDone(api(), batchId);
        assertThat(done.path("counts").path("SUCCEEDED").asLong()).isEqualTo(2);
        assertThat(done.path("counts").path("FAILED").asLong()).isEqualTo(1);
        assertThat(done.path("counts").path("CANCELLED").asLong()).isEqualTo(2);
        assertThat(done.path("counts").path("QUEUED").asLong()).isZero();
        JsonNode failedOnly = api().get("/api/v1/batches/" + batchId + "/jobs?status=FAILED").json();
        assertThat(failedOnly.path("jobs")).hasSize(1);
        assertThat(failedOnly.path("jobs").get(0).path("error").isNull()).isFalse();
        assertThat(failedOnly.path("next").isNull()).isTrue();
    }

    @Test
    void theBatchStreamSendsEachOutcomeThenTheBatchThenCloses() {
        List<JobRequest> jobs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            jobs.add(JobRequest.of("sleep", json("{\"millis\":200}")));
        }
        UUID batchId = submitBatch(api(), jobs);

        ErrandClient.EventStream stream = api().eventsAt("/api/v1/batches/" + batchId + "/events", SHORT);

        assertThat(stream.closedByServer()).isTrue();
        assertThat(stream.events()).hasSize(6);
        List<String> jobIds = stream.events().subList(0, 5).stream().map(e -> e.path("id").asString()).toList();
        assertThat(jobIds).doesNotHaveDuplicates();
        stream.events().subList(0, 5).forEach(event ->
                assertThat(event.path("status").asString()).isEqualTo("SUCCEEDED"));
        JsonNode last = stream.events().getLast();
        assertThat(last.path("status").asString()).isEqualTo("DONE");
        assertThat(last.path("counts").path("SUCCEEDED").asLong()).isEqualTo(5);
    }

    @Test
    void anotherTenantsOrAnUnknownBatchIsNotFoundAndBadParametersAre400s() {
        UUID batchId = submitBatch(api(), List.of(anEchoJobNumbered(1)));
        ErrandClient.Response created = api().post("/api/v1/keys", "application/json",
                "{\"name\":\"other\",\"tenant\":\"other-" + UUID.randomUUID().toString().substring(0, 8)
                        + "\",\"scopes\":[\"admin\"]}", null);
        ErrandClient other = api().withKey(created.json().path("secret").asString());
        String batch = "/api/v1/batches/" + batchId;

        assertThat(other.get(batch).status()).isEqualTo(404);
        assertThat(other.get(batch + "?wait=PT1S").status()).isEqualTo(404);
        assertThat(other.get(batch + "/jobs").status()).isEqualTo(404);
        assertThat(other.get(batch + "/events").status()).isEqualTo(404);
        assertThat(other.post(batch + "/cancel", "application/json", "", null).status()).isEqualTo(404);
        assertThat(other.list("batch=" + batchId).json().path("jobs")).isEmpty();
        assertThat(api().get("/api/v1/batches/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(api().get("/api/v1/batches/not-an-id").status()).isEqualTo(404);
        assertBadParameter(api().get(batch + "?wait=soon"), "?wait");
        assertBadParameter(api().get(batch + "/jobs?after=nope"), "?after");
        assertBadParameter(api().get(batch + "/jobs?limit=0"), "?limit");
        assertBadParameter(api().list("batch=nope"), "?batch");
        assertThat(api().submit(anEchoJobNumbered(9)).json().path("batchId").isNull()).isTrue();
    }

    @Test
    void theBatchListPagesATenantsBatchesNewestFirstAndKeepsTenantsApart() {
        String tenant = "batches-" + UUID.randomUUID().toString().substring(0, 8);
        ErrandClient own = api().withKey(api().createKey(tenant, "jobs:submit", "jobs:read"));
        List<UUID> submitted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            submitted.add(submitBatch(own, List.of(anEchoJobNumbered(i), anEchoJobNumbered(i + 10))));
        }
        awaitDone(own, submitted.getFirst());

        JsonNode first = own.get("/api/v1/batches?limit=2").json();
        JsonNode second = own.get("/api/v1/batches?limit=2&after=" + first.path("next").asString()).json();

        assertThat(ids(first)).containsExactly(submitted.get(2), submitted.get(1));
        assertThat(first.path("next").asString()).isEqualTo(submitted.get(1).toString());
        assertThat(ids(second)).containsExactly(submitted.get(0));
        assertThat(second.path("next").isNull()).isTrue();
        JsonNode oldest = second.path("batches").get(0);
        assertThat(oldest.path("size").asInt()).isEqualTo(2);
        assertThat(oldest.path("status").asString()).isEqualTo("DONE");
        assertThat(oldest.path("counts").path("SUCCEEDED").asLong()).isEqualTo(2);
        assertThat(oldest.path("createdAt").isNull()).isFalse();
        assertThat(oldest.path("finishedAt").isNull()).isFalse();
        assertThat(ids(api().get("/api/v1/batches?limit=500").json())).doesNotContainAnyElementsOf(submitted);
        assertThat(ids(api().get("/api/v1/batches?after=" + submitted.get(1)).json())).isEmpty();
        String submitOnly = api().createKey(tenant, "jobs:submit");
        assertThat(api().withKey(submitOnly).get("/api/v1/batches").status()).isEqualTo(403);
        assertBadParameter(own.get("/api/v1/batches?limit=0"), "?limit");
        assertBadParameter(own.get("/api/v1/batches?limit=many"), "?limit");
        assertBadParameter(own.get("/api/v1/batches?after=nope"), "?after");
    }

    private static List<UUID> ids(JsonNode page) {
        List<UUID> ids = new ArrayList<>();
        page.path("batches").forEach(batch -> ids.add(UUID.fromString(batch.path("id").asString())));
        return ids;
    }

    private static void assertBadParameter(ErrandClient.Response response, String parameter) {
        assertThat(response.status()).as("%s", response).isEqualTo(400);
        assertThat(response.json().path("errors").get(0).path("field").asString()).isEqualTo(parameter);
    }
}
