package errand.tests.endtoend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import errand.model.WireJson;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandClient.Response;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.EventFollower;
import errand.tests.support.JobRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Workflows on the real platform: a chain that passes results on, a fan-out/fan-in, both failure policies, a retry
 * that resumes a failed workflow, a cancel that interrupts a running step, bad definitions refused whole, and tenants
 * kept apart.
 */
class WorkflowsEndToEndTests {

    private static final String WORKFLOWS = "/api/v1/workflows";
    private static final Duration SHORT = Duration.ofSeconds(90);
    private static final Duration LONG = Duration.ofMinutes(5);

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.shared();

    private static ErrandClient api() {
        return platform.api();
    }

    @Test
    void aChainPassesEachResultToTheNextStep() {
        String from = Long.toString(lastEventNumber());
        Response submitted = submit("""
                {"name": "chain", "steps": [
                  {"id": "a", "type": "echo", "payload": {"n": 7, "text": "é"}},
                  {"id": "b", "type": "echo", "payload": {"previous": {"$from": "a"}}, "dependsOn": ["a"]},
                  {"id": "c", "type": "echo", "payload": {"n": {"$from": "b", "at": "/previous/n"}, "all": [1,
                    {"$from": "a", "at": "/text"}]}, "dependsOn": ["b", "a"]}]}""");
        assertThat(submitted.status()).as("%s", submitted).isEqualTo(202);
        assertThat(submitted.header("Location")).hasValue(WORKFLOWS + "/" + idOf(submitted));
        assertThat(step(submitted.json(), "b").path("status").asString()).isEqualTo("WAITING");
        assertThat(dependsOn(submitted.json(), "a")).isEmpty();
        assertThat(dependsOn(submitted.json(), "b")).containsExactly("a");
        assertThat(dependsOn(submitted.json(), "c")).as("as submitted, in that order").containsExactly("b", "a");

        JsonNode done = awaitFinished(idOf(submitted));

        assertThat(done.path("status").asString()).as("%s", done).isEqualTo("SUCCEEDED");
        assertThat(done.path("name").asString()).isEqualTo("chain");
        assertThat(step(done, "b").path("result")).isEqualTo(json("{\"previous\": {\"n\": 7, \"text\": \"é\"}}"));
        assertThat(step(done, "c").path("result")).isEqualTo(json("{\"n\": 7, \"all\": [1, \"é\"]}"));
        assertThat(dependsOn(done, "c")).containsExactly("b", "a");
        try (EventFollower stream = EventFollower.follow(api(), "/api/v1/events?terminal=true&workflow="
                + idOf(submitted), from)) {
            await("the steps' outcomes on the outcome stream").atMost(SHORT)
                    .until(() -> stream.data("job").size() >= 3);
            assertThat(stream.data("job")).hasSize(3).allSatisfy(event ->
                    assertThat(event.path("workflowId").asString()).isEqualTo(idOf(submitted).toString()));
        }
        JsonNode jobs = api().list("workflow=" + idOf(submitted)).json().path("jobs");
        assertThat(jobs).hasSize(3).allSatisfy(job -> {
            assertThat(job.path("workflowId").asString()).isEqualTo(idOf(submitted).toString());
            assertThat(job.path("stepId").asString()).isIn("a", "b", "c");
        });
    }

    @Test
    void aFanOutFansInTheResultsInTheOrderNamed() {
        List<String> steps = new ArrayList<>();
        IntStream.range(0, 8).forEach(i -> steps.add("{\"id\": \"p%d\", \"type\": \"prime-count\", \"payload\": "
                .formatted(i) + "{\"upTo\": %d}}".formatted(1000 * (i + 1))));
        String all = IntStream.range(0, 8).mapToObj(i -> "\"p" + (7 - i) + "\"").collect(Collectors.joining(", "));
        steps.add("{\"id\": \"sum\", \"type\": \"echo\", \"payload\": {\"counts\": {\"$from\": [" + all
                + "]}}, \"dependsOn\": [" + all + "]}");
        Response submitted = submit("{\"steps\": [" + String.join(", ", steps) + "]}");
        assertThat(submitted.status()).as("%s", submitted).isEqualTo(202);

        JsonNode done = awaitFinished(idOf(submitted));

        assertThat(done.path("status").asString()).as("%s", done).isEqualTo("SUCCEEDED");
        List<JsonNode> expected = IntStream.range(0, 8).mapToObj(i -> step(done, "p" + (7 - i)).path("result"))
                .toList();
        assertThat(step(done, "p0").path("result").path("count").asInt()).isEqualTo(168);
        assertThat(step(done, "sum").path("result").path("counts")).containsExactlyElementsOf(expected);
    }

    /**
     * The wide and deep workflows complete. Their durations, and those of the same number of plain jobs, are
     * logged for the closing note, not asserted.
     */
    @Test
    void aThousandStepFanOutFanInAndATwoHundredStepChainComplete() {
        int width = 999;
        String fanOut = IntStream.range(0, width).mapToObj(i -> "{\"id\": \"p%d\", \"type\": \"prime-count\", "
                .formatted(i) + "\"payload\": {\"upTo\": %d}}".formatted(100 + i)).collect(Collectors.joining(", "));
        String all = IntStream.range(0, width).mapToObj(i -> "\"p" + i + "\"").collect(Collectors.joining(", "));
        long wideStarted = System.nanoTime();
        JsonNode wide = awaitFinished(idOf(submit("{\"steps\": [" + fanOut + ", {\"id\": \"all\", \"type\": "
                + "\"echo\", \"dependsOn\": [" + all + "], \"payload\": {\"counts\": {\"$from\": [" + all
                + "]}}}]}")), LONG);
        long wideMillis = (System.nanoTime() - wideStarted) / 1_000_000;

        int depth = 200;
        String chain = IntStream.range(0, depth).mapToObj(i -> i == 0
                ? "{\"id\": \"s0\", \"type\": \"echo\", \"payload\": {\"hops\": 0}}"
                : "{\"id\": \"s%d\", \"type\": \"echo\", \"dependsOn\": [\"s%d\"], \"payload\": {\"hops\": "
                        .formatted(i, i - 1) + "%d, \"previous\": {\"$from\": \"s%d\", \"at\": \"/hops\"}}}"
                        .formatted(i, i - 1)).collect(Collectors.joining(", "));
        long deepStarted = System.nanoTime();
        JsonNode deep = awaitFinished(idOf(submit("{\"steps\": [" + chain + "]}")), LONG);
        long deepMillis = (System.nanoTime() - deepStarted) / 1_000_000;

        long plainStarted = System.nanoTime();
        String batch = api().submitBatch(IntStream.range(0, width).mapToObj(i -> JobRequest.of("prime-count",
                json("{\"upTo\": %d}".formatted(100 + i)))).toList()).json().path("batchId").asString();
        await("the plain jobs done").atMost(LONG).until(() -> api().get("/api/v1/batches/" + batch + "?wait=PT20S")
                .json().path("status").asString().equals("DONE"));
        long plainMillis = (System.nanoTime() - plainStarted) / 1_000_000;
        System.getLogger(getClass().getName()).log(System.Logger.Level.INFO, "workflows: {0}-step fan-out/fan-in "
                + "{1} ms ({2} plain jobs in a batch: {3} ms); {4}-step chain {5} ms", width + 1, wideMillis, width,
                plainMillis, depth, deepMillis);

        assertThat(wide.path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(step(wide, "all").path("result").path("counts")).hasSize(width);
        assertThat(step(wide, "all").path("result").path("counts").get(0)).isEqualTo(step(wide, "p0").path("result"));
        assertThat(deep.path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(step(deep, "s199").path("result").path("previous").asInt()).isEqualTo(198);
    }

    @Test
    void failFastFailsTheWorkflowAndCancelsItsUnfinishedSteps() {
        Response submitted = submit("""
                {"steps": [
                  {"id": "bad", "type": "fail", "payload": {"failTimes": 5, "retryable": false}},
                  {"id": "slow", "type": "sleep", "payload": {"millis": 60000}},
                  {"id": "after", "type": "echo", "payload": {"n": 1}, "dependsOn": ["bad"]}]}""");

        JsonNode done = awaitFinished(idOf(submitted));

        assertThat(done.path("status").asString()).as("%s", done).isEqualTo("FAILED");
        assertThat(step(done, "bad").path("status").asString()).isEqualTo("FAILED");
        assertThat(step(done, "slow").path("status").asString()).isEqualTo("CANCELLED");
        assertThat(step(done, "after").path("status").asString()).isEqualTo("CANCELLED");
        assertThat(step(done, "after").path("jobId").isNull()).isTrue();
        assertThat(step(done, "after").path("reason").asString()).contains("bad");
    }

    @Test
    void continueRunsWhatDoesNotDependOnTheFailureAndARetryResumesTheWorkflow() {
        Response submitted = submit("""
                {"onFailure": "CONTINUE", "steps": [
                  {"id": "flaky", "type": "fail", "payload": {"failTimes": 1, "retryable": false}},
                  {"id": "fine", "type": "echo", "payload": {"n": 1}},
                  {"id": "needsFlaky", "type": "echo", "payload": {"got": {"$from": "flaky"}},
                   "dependsOn": ["flaky"]},
                  {"id": "needsFine", "type": "echo", "payload": {"got": {"$from": "fine"}},
                   "dependsOn": ["fine"]}]}""");
        UUID id = idOf(submitted);

        JsonNode failed = awaitFinished(id);

        assertThat(failed.path("status").asString()).as("%s", failed).isEqualTo("FAILED");
        assertThat(step(failed, "needsFine").path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(step(failed, "needsFlaky").path("status").asString()).isEqualTo("CANCELLED");
        assertThat(step(failed, "needsFlaky").path("reason").asString()).contains("flaky");

        String flakyJob = step(failed, "flaky").path("jobId").asString();
        assertThat(api().post(ErrandClient.JOBS + "/" + flakyJob + "/retry", "application/json", "", null).status())
                .isEqualTo(202);
        JsonNode resumed = awaitFinished(id);

        assertThat(resumed.path("status").asString()).as("%s", resumed).isEqualTo("SUCCEEDED");
        assertThat(step(resumed, "needsFlaky").path("result").path("got").path("attempt").asInt()).isEqualTo(2);
    }

    @Test
    void cancellingAWorkflowInterruptsItsRunningStepAndCancelsTheRest() {
        Response submitted = submit("""
                {"steps": [
                  {"id": "long", "type": "sleep", "payload": {"millis": 60000}},
                  {"id": "next", "type": "echo", "payload": {"n": 1}, "dependsOn": ["long"]}]}""");
        UUID id = idOf(submitted);
        String longJob = step(submitted.json(), "long").path("jobId").asString();
        await("the long step running").atMost(SHORT).until(() -> api().get(ErrandClient.JOBS + "/" + longJob).json()
                .path("status").asString().equals("RUNNING"));

        Response cancelled = api().post(WORKFLOWS + "/" + id + "/cancel", "application/json", "", null);

        assertThat(cancelled.status()).as("%s", cancelled).isEqualTo(200);
        assertThat(cancelled.json().path("status").asString()).isEqualTo("CANCELLED");
        assertThat(step(cancelled.json(), "long").path("status").asString()).isEqualTo("CANCELLED");
        assertThat(step(cancelled.json(), "next").path("status").asString()).isEqualTo("CANCELLED");
        await("the worker stopped the attempt").atMost(SHORT).until(() -> !api().get(ErrandClient.JOBS + "/"
                + longJob).json().path("attemptHistory").get(0).path("finishedAt").isNull());
        assertThat(api().post(WORKFLOWS + "/" + id + "/cancel", "application/json", "", null).status())
                .isEqualTo(409);
    }

    @Test
    void aWorkflowCanBeFollowedAsEventsUntilItEnds() {
        UUID id = idOf(submit("""
                {"steps": [{"id": "a", "type": "echo", "payload": {"n": 1}},
                           {"id": "b", "type": "echo", "payload": {"n": 2}, "dependsOn": ["a"]}]}"""));

        ErrandClient.EventStream events = api().eventsAt(WORKFLOWS + "/" + id + "/events", SHORT);

        assertThat(events.closedByServer()).isTrue();
        assertThat(events.events().getLast().path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(api().list("").status()).isEqualTo(200);
        JsonNode page = api().get(WORKFLOWS + "?limit=1").json();
        assertThat(page.path("workflows")).hasSize(1);
        assertThat(page.path("next").isNull()).isFalse();
    }

    @Test
    void everyBadDefinitionIsA400NamingTheStepAndFieldAndNothingIsCreated() {
        ErrandClient fresh = aKeyOfANewTenant();
        Map<String, String> cases = Map.of(
                "{\"steps\": [{\"id\": \"a\", \"type\": \"echo\", \"payload\": {}}, "
                        + "{\"id\": \"a\", \"type\": \"echo\", \"payload\": {}}]}", "/steps/1/id",
                "{\"steps\": [{\"id\": \"a\", \"type\": \"echo\", \"payload\": {}, \"dependsOn\": [\"zz\"]}]}",
                "/steps/0/dependsOn/0",
                "{\"steps\": [{\"id\": \"a\", \"type\": \"echo\", \"payload\": {}, \"dependsOn\": [\"b\"]}, "
                        + "{\"id\": \"b\", \"type\": \"echo\", \"payload\": {}, \"dependsOn\": [\"a\"]}]}",
                "/steps/0/dependsOn",
                "{\"steps\": [{\"id\": \"a\", \"type\": \"echo\", \"payload\": {}}, {\"id\": \"b\", \"type\": "
                        + "\"echo\", \"payload\": {\"x\": {\"$from\": \"a\"}}}]}", "/steps/1/payload/x/$from",
                "{\"steps\": [{\"id\": \"a\", \"type\": \"no-such-type\", \"payload\": {}}]}", "/steps/0/type",
                "{\"steps\": [{\"id\": \"a\", \"type\": \"prime-count\", \"payload\": {\"upTo\": 0}}]}",
                "/steps/0/payload/upTo",
                "{\"onFailure\": \"SOMETIMES\", \"steps\": [{\"id\": \"a\", \"type\": \"echo\", \"payload\": {}}]}",
                "/onFailure",
                "{\"steps\": [" + IntStream.range(0, 1001).mapToObj(i -> "{\"id\": \"s" + i
                        + "\", \"type\": \"echo\", \"payload\": {}}").collect(Collectors.joining(", ")) + "]}",
                "/steps");
        cases.forEach((body, field) -> {
            Response answer = fresh.post(WORKFLOWS, "application/json", body, null);
            assertThat(answer.status()).as("%s → %s", field, answer).isEqualTo(400);
            List<String> fields = new ArrayList<>();
            answer.json().path("errors").forEach(error -> fields.add(error.path("field").asString()));
            assertThat(fields).as("%s", answer).contains(field);
        });
        assertThat(fresh.get(WORKFLOWS).json().path("workflows")).isEmpty();
        assertThat(fresh.list("").json().path("jobs")).isEmpty();
    }

    @Test
    void anotherTenantsWorkflowIsNotFound() {
        UUID id = idOf(submit("{\"steps\": [{\"id\": \"a\", \"type\": \"echo\", \"payload\": {\"n\": 1}}]}"));
        ErrandClient other = aKeyOfANewTenant();

        assertThat(other.get(WORKFLOWS + "/" + id).status()).isEqualTo(404);
        assertThat(other.get(WORKFLOWS + "/" + id + "?wait=PT1S").status()).isEqualTo(404);
        assertThat(other.get(WORKFLOWS + "/" + id + "/events").status()).isEqualTo(404);
        assertThat(other.post(WORKFLOWS + "/" + id + "/cancel", "application/json", "", null).status())
                .isEqualTo(404);
        assertThat(other.get(WORKFLOWS).json().path("workflows")).isEmpty();
        assertThat(other.list("workflow=" + id).json().path("jobs")).isEmpty();
        assertThat(api().get(WORKFLOWS + "/nope").status()).isEqualTo(404);
    }

    /** The number of the last event on the outcome stream: following from it gets what happens next. */
    private static long lastEventNumber() {
        try {
            return platform.services().queryLong("select last_seq from job_event_cursor");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ErrandClient aKeyOfANewTenant() {
        Response created = api().post("/api/v1/keys", "application/json", "{\"name\":\"wf\",\"tenant\":\"wf-"
                + UUID.randomUUID().toString().substring(0, 8)
                + "\",\"scopes\":[\"jobs:read\",\"jobs:submit\",\"jobs:manage\"]}", null);
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        return api().withKey(created.json().path("secret").asString());
    }

    private static Response submit(String body) {
        return api().post(WORKFLOWS, "application/json", body, null);
    }

    private static UUID idOf(Response submitted) {
        assertThat(submitted.status()).as("%s", submitted).isEqualTo(202);
        return UUID.fromString(submitted.json().path("id").asString());
    }

    private static JsonNode awaitFinished(UUID id) {
        return awaitFinished(id, SHORT);
    }

    private static JsonNode awaitFinished(UUID id, Duration atMost) {
        return await("workflow " + id + " ended").atMost(atMost).until(
                () -> api().get(WORKFLOWS + "/" + id + "?wait=PT20S").json(),
                workflow -> !workflow.path("status").asString().equals("RUNNING"));
    }

    private static JsonNode step(JsonNode workflow, String id) {
        for (JsonNode step : workflow.path("steps")) {
            if (step.path("id").asString().equals(id)) {
                return step;
            }
        }
        throw new AssertionError("no step " + id + " in " + workflow);
    }

    private static List<String> dependsOn(JsonNode workflow, String id) {
        JsonNode edges = step(workflow, id).path("dependsOn");
        assertThat(edges.isArray()).as("%s", workflow).isTrue();
        return edges.valueStream().map(JsonNode::asString).toList();
    }

    private static JsonNode json(String json) {
        return WireJson.mapper().readTree(json);
    }
}
