package errand.tests.console;

import static errand.tests.support.JobAssert.assertThatProblem;
import static errand.tests.support.JobFixtures.aFailingJob;
import static errand.tests.support.JobFixtures.anEchoJobNumbered;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import errand.model.JobStatus;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandClient.Response;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.JobRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * What the console needs from the API, over HTTP: its pages without a key and with a strict Content-Security-Policy,
 * {@code GET /api/v1/me}, the bulk retry and cancel ({@code jobs:manage}, tenant-bound, chunked, idempotent, 400s
 * naming the field), the failures grouped by type and error, and the jobs list's time range.
 */
class ConsoleApiEndToEndTests {

    private static final Duration SHORT = Duration.ofSeconds(60);
    private static final String JSON = "application/json";

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.shared();

    private static String newTenant() {
        return "console-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Every tenant's manager a test made: the shared platform's settling cancels only the default tenant's jobs. */
    private static final List<ErrandClient> MANAGERS = new ArrayList<>();

    private static ErrandClient keyIn(String tenant, String... scopes) {
        return platform.api().withKey(platform.api().createKey(tenant, scopes));
    }

    private static ErrandClient manager(String tenant) {
        ErrandClient manager = keyIn(tenant, "jobs:submit", "jobs:read", "jobs:manage");
        MANAGERS.add(manager);
        return manager;
    }

    @AfterAll
    static void cancelWhatIsLeft() {
        MANAGERS.forEach(manager -> manager.post("/api/v1/jobs/cancel", JSON, "{}", null));
    }

    @Test
    void everyConsoleRouteServesThePageWithoutAKeyUnderAPolicyWithoutInlineScripts() {
        ErrandClient anonymous = platform.api().withKey(null);
        for (String path : List.of("/console/", "/console/jobs?status=FAILED&type=echo",
                "/console/jobs/" + UUID.randomUUID(), "/console/failures", "/console/task-types",
                "/console/task-types/echo", "/console/workers", "/console/batches",
                "/console/batches/" + UUID.randomUUID(), "/console/workflows",
                "/console/workflows/" + UUID.randomUUID(), "/console/schedules",
                "/console/schedules/" + UUID.randomUUID())) {
            Response page = anonymous.get(path);
            assertThat(page.status()).as(path).isEqualTo(200);
            assertThat(page.contentType()).as(path).startsWith("text/html");
            assertThat(page.body()).as(path).contains("<script type=\"module\" src=\"/console/app.js\"></script>");
            String policy = page.header("Content-Security-Policy").orElseThrow();
            assertThat(policy).contains("script-src 'self'").doesNotContain("unsafe-inline").doesNotContain(
                    "unsafe-eval");
        }
        assertThat(anonymous.get("/console/app.js").status()).isEqualTo(200);
        assertThat(anonymous.get("/console/pages/jobs.js").contentType()).contains("javascript");
        assertThat(anonymous.get("/console").status()).isEqualTo(302);
        assertThat(anonymous.get("/api/v1/stats").status()).as("the API still needs a key").isEqualTo(401);
    }

    @Test
    void meTellsAnyValidKeyItsTenantAndScopes() {
        String tenant = newTenant();
        JsonNode me = keyIn(tenant, "jobs:read").get("/api/v1/me").json();
        assertThat(me.path("tenant").asString()).isEqualTo(tenant);
        assertThat(me.path("scopes").toString()).isEqualTo("[\"jobs:read\"]");
        JsonNode admin = platform.api().get("/api/v1/me").json();
        assertThat(admin.path("scopes").toString()).contains("admin", "jobs:manage", "jobs:submit");
        assertThat(platform.api().withKey("not-a-key").get("/api/v1/me").status()).isEqualTo(401);
        assertThat(platform.api().withKey(null).get("/api/v1/me").status()).isEqualTo(401);
    }

    @Test
    void aBulkRetryActsOnTheCallersTenantOnlyAndOnceOnly() {
        String tenant = newTenant();
        String other = newTenant();
        ErrandClient mine = manager(tenant);
        ErrandClient theirs = manager(other);
        List<UUID> failed = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            failed.add(mine.submit(aFailingJob(1, false)).jobId());
        }
        UUID theirFailed = theirs.submit(aFailingJob(1, false)).jobId();
        failed.forEach(id -> mine.awaitStatus(id, JobStatus.FAILED, SHORT));
        theirs.awaitStatus(theirFailed, JobStatus.FAILED, SHORT);

        assertThat(outcome(theirs.post("/api/v1/jobs/retry", JSON, "{\"type\":\"fail\"}", null)))
                .isEqualTo("1/1");
        failed.forEach(id -> assertThat(mine.job(id).path("status").asString()).isEqualTo("FAILED"));

        assertThat(outcome(mine.post("/api/v1/jobs/retry", JSON, "{\"type\":\"fail\",\"status\":\"FAILED\"}", null)))
                .isEqualTo("2/2");
        assertThat(outcome(mine.post("/api/v1/jobs/retry", JSON, "{\"type\":\"fail\"}", null)))
                .as("the retried jobs are no longer FAILED: nothing to do twice").isEqualTo("0/0");
        failed.forEach(id -> {
            JsonNode job = mine.awaitStatus(id, JobStatus.SUCCEEDED, SHORT);
            assertThat(job.path("attempts").asInt()).isEqualTo(2);
        });
        theirs.awaitStatus(theirFailed, JobStatus.SUCCEEDED, SHORT);
    }

    @Test
    void aBulkCancelWalksMoreJobsThanOneChunkAndCountsWhatItChanged() {
        String tenant = newTenant();
        ErrandClient mine = manager(tenant);
        List<JobRequest> later = new ArrayList<>();
        for (int i = 0; i < 620; i++) {
            later.add(anEchoJobNumbered(i).withDelay(Duration.ofHours(1)));
        }
        Response batch = mine.submitBatch(later);
        assertThat(batch.status()).as("%s", batch).isEqualTo(202);
        String batchId = batch.json().path("batchId").asString();
        ErrandClient theirs = manager(newTenant());
        UUID elsewhere = theirs.submit(anEchoJobNumbered(1).withDelay(Duration.ofHours(1))).jobId();

        assertThat(outcome(mine.post("/api/v1/jobs/cancel", JSON, "{\"batch\":\"" + batchId + "\"}", null)))
                .isEqualTo("620/620");
        assertThat(outcome(mine.post("/api/v1/jobs/cancel", JSON, "{\"batch\":\"" + batchId + "\"}", null)))
                .isEqualTo("0/0");
        assertThat(mine.get("/api/v1/batches/" + batchId).json().path("counts").path("CANCELLED").asLong())
                .isEqualTo(620);
        assertThat(theirs.job(elsewhere).path("status").asString()).isEqualTo("QUEUED");
    }

    @Test
    void bulkActionsNeedJobsManageAndRefuseBadFiltersNamingTheField() {
        ErrandClient reader = keyIn(newTenant(), "jobs:read", "jobs:submit");
        for (String action : List.of("retry", "cancel")) {
            assertThat(reader.post("/api/v1/jobs/" + action, JSON, "{}", null).status()).isEqualTo(403);
        }
        ErrandClient mine = manager(newTenant());
        assertThatProblem(mine.post("/api/v1/jobs/retry", JSON, "{\"status\":\"NOPE\"}", null)).isProblem(400)
                .hasErrorOn("/status", "enum");
        assertThatProblem(mine.post("/api/v1/jobs/retry", JSON, "{\"status\":\"SUCCEEDED\"}", null)).isProblem(400)
                .hasErrorOn("/status", "action");
        assertThatProblem(mine.post("/api/v1/jobs/cancel", JSON, "{\"status\":\"FAILED\"}", null)).isProblem(400)
                .hasErrorOn("/status", "action");
        assertThatProblem(mine.post("/api/v1/jobs/cancel", JSON, "{\"everything\":true}", null)).isProblem(400)
                .hasErrorOn("/everything", "unknown");
        assertThatProblem(mine.post("/api/v1/jobs/retry", JSON, "{\"createdBefore\":\"yesterday\"}", null))
                .isProblem(400).hasErrorOn("/createdBefore", "instant");
        assertThatProblem(mine.post("/api/v1/jobs/retry", JSON, "{\"batch\":\"b-1\"}", null)).isProblem(400)
                .hasErrorOn("/batch", "uuid");
        assertThatProblem(mine.post("/api/v1/jobs/retry", JSON, "{\"type\":7}", null)).isProblem(400)
                .hasErrorOn("/type", "type");
        assertThat(mine.post("/api/v1/jobs/retry", JSON, "[]", null).status()).isEqualTo(400);
        assertThat(mine.post("/api/v1/jobs/retry", JSON, "{", null).status()).isEqualTo(400);
    }

    @Test
    void failuresAreGroupedByTypeAndErrorWithinTheTenant() {
        String tenant = newTenant();
        ErrandClient mine = manager(tenant);
        List<UUID> failed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            failed.add(mine.submit(aFailingJob(1, false)).jobId());
        }
        failed.forEach(id -> mine.awaitStatus(id, JobStatus.FAILED, SHORT));

        JsonNode failures = mine.get("/api/v1/jobs/failures").json();
        assertThat(failures.path("complete").asBoolean()).isTrue();
        assertThat(failures.path("scanned").asLong()).isEqualTo(3);
        JsonNode group = failures.path("groups").get(0);
        assertThat(group.path("type").asString()).isEqualTo("fail");
        assertThat(group.path("jobs").asLong()).isEqualTo(3);
        assertThat(group.path("errorType").asString()).isNotBlank();
        assertThat(failed).contains(UUID.fromString(group.path("newestJobId").asString()));

        assertThat(manager(newTenant()).get("/api/v1/jobs/failures").json().path("groups")).isEmpty();
        assertThat(mine.get("/api/v1/jobs/failures?type=echo").json().path("groups")).isEmpty();
        assertThatProblem(mine.get("/api/v1/jobs/failures?scan=0")).isProblem(400).hasErrorOn("?scan", "range");
        assertThat(keyIn(tenant, "jobs:submit").get("/api/v1/jobs/failures").status()).isEqualTo(403);
    }

    @Test
    void theJobListFiltersByCreationTime() {
        ErrandClient mine = manager(newTenant());
        UUID job = mine.submit(anEchoJobNumbered(1)).jobId();
        String created = mine.job(job).path("createdAt").asString();
        assertThat(ids(mine.get("/api/v1/jobs?createdAfter=" + created))).containsExactly(job.toString());
        assertThat(ids(mine.get("/api/v1/jobs?createdBefore=" + created))).isEmpty();
        assertThatProblem(mine.get("/api/v1/jobs?createdAfter=today")).isProblem(400)
                .hasErrorOn("?createdAfter", "instant");
    }

    private static List<String> ids(Response page) {
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        page.json().path("jobs").forEach(job -> ids.add(job.path("id").asString()));
        return ids;
    }

    private static String outcome(Response response) {
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.json().path("matched").asLong() + "/" + response.json().path("changed").asLong();
    }
}
