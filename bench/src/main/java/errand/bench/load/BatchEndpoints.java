package errand.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import errand.bench.json.Json;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The batch endpoints as a client reads them (issue 16): the batch submit's answer, a batch's status with
 * {@code ?wait=}, and the pages of its jobs with their cursor.
 */
final class BatchEndpoints {

    static final String SUBMIT = "/api/v1/jobs/batch";

    /** One submitted batch: its id, and its jobs' ids in submission order. */
    record Accepted(String batchId, List<String> jobIds) {
    }

    /** One page of a batch's jobs; {@code next} is the cursor to read on with, null on the last page. */
    record Page(List<JsonNode> jobs, @Nullable String next) {
    }

    private BatchEndpoints() {
    }

    /** The answer to {@code POST /api/v1/jobs/batch}: {@code {"batchId": ..., "jobs": [{"id": ...}, ...]}}. */
    static Accepted accepted(String answer) {
        JsonNode tree = Json.tree(answer);
        String batchId = tree.path("batchId").asString("");
        if (batchId.isEmpty()) {
            throw new IllegalStateException("a batch answer without batchId: " + abbreviated(answer));
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode job : tree.path("jobs")) {
            ids.add(job.path("id").asString(""));
        }
        return new Accepted(batchId, ids);
    }

    /** {@code GET /api/v1/batches/{id}?wait=...}: answers once the batch is DONE or the wait ends. */
    static String waitPath(String batchId, Duration wait) {
        return "/api/v1/batches/" + batchId + "?wait=" + wait;
    }

    /** Whether a batch's answer says every one of its jobs is terminal. */
    static boolean done(String batchAnswer) {
        return Json.tree(batchAnswer).path("status").asString("").equals("DONE");
    }

    /** {@code GET /api/v1/batches/{id}/jobs?limit=...}, from the start or after the previous page's cursor. */
    static String pagePath(String batchId, int limit, @Nullable String after) {
        return "/api/v1/batches/" + batchId + "/jobs?limit=" + limit + (after == null ? "" : "&after=" + after);
    }

    /** A page: {@code {"jobs": [...], "next": cursor or null}}. */
    static Page page(String answer) {
        JsonNode tree = Json.tree(answer);
        JsonNode jobs = tree.path("jobs");
        if (!jobs.isArray()) {
            throw new IllegalStateException("a page without jobs: " + abbreviated(answer));
        }
        List<JsonNode> list = new ArrayList<>(jobs.size());
        jobs.forEach(list::add);
        JsonNode next = tree.path("next");
        return new Page(list, next.isString() ? next.asString() : null);
    }

    private static String abbreviated(String answer) {
        return answer.substring(0, Math.min(200, answer.length()));
    }
}
