package errand.api.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import errand.api.MigratedDatabase;
import errand.model.WireJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** How the database resolves a step's references to its dependencies' results (V10's workflow_resolve). */
class ReferenceResolutionIntegrationTests {

    @RegisterExtension
    static final MigratedDatabase database = new MigratedDatabase();

    private static JdbcTemplate jdbc;
    private static final UUID WORKFLOW = UUID.randomUUID();

    @BeforeAll
    static void aWorkflowWithTwoFinishedSteps() throws Exception {
        jdbc = database.jdbc();
        jdbc.update("""
                insert into workflows (id, tenant, status, on_failure, steps, steps_open, max_payload_bytes, created_at)
                values (?, 'default', 'RUNNING', 'FAIL_FAST', 3, 1, 10000, now())""", WORKFLOW);
        finishedStep("a", "{\"list\": [1, 2], \"x/y\": \"slash\", \"t~\": \"tilde\"}");
        finishedStep("b", "{\"n\": 5}");
    }

    @Test
    void aWholeResultAValueAtAPointerAndAFanInAreResolvedAnywhere() {
        JsonNode resolved = resolve("""
                {"whole": {"$from": "a"}, "at": {"$from": "a", "at": "/list/1"}, "fanIn": {"$from": ["b", "a"]},
                 "nested": [{"k": {"$from": "b", "at": "/n"}}], "plain": {"n": 1, "from": "a"}}""");

        assertThat(resolved).isEqualTo(json("""
                {"whole": {"list": [1, 2], "x/y": "slash", "t~": "tilde"}, "at": 2,
                 "fanIn": [{"n": 5}, {"list": [1, 2], "x/y": "slash", "t~": "tilde"}],
                 "nested": [{"k": 5}], "plain": {"n": 1, "from": "a"}}"""));
    }

    @Test
    void pointersUnescapeAndAMissingValueIsNull() {
        assertThat(resolve("{\"s\": {\"$from\": \"a\", \"at\": \"/x~1y\"}, \"t\": {\"$from\": \"a\", \"at\": \"/t~0\"},"
                + " \"none\": {\"$from\": \"a\", \"at\": \"/nope/0\"}, \"root\": {\"$from\": \"b\", \"at\": \"\"}}"))
                .isEqualTo(json("{\"s\": \"slash\", \"t\": \"tilde\", \"none\": null, \"root\": {\"n\": 5}}"));
    }

    private static void finishedStep(String step, String result) {
        UUID job = UUID.randomUUID();
        jdbc.update("""
                insert into jobs (id, type, status, payload, result, max_attempts, timeout_ms, created_at,
                                  publish_after, updated_at, workflow_id, step_id)
                values (?, 'echo', 'SUCCEEDED', '{}', ?::jsonb, 1, 1000, now(), now(), now(), ?, ?)""",
                job, result, WORKFLOW, step);
        jdbc.update("""
                insert into workflow_steps (workflow_id, step_id, position, type, payload, has_references,
                                            timeout_ms, max_attempts, depends_on, waiting_on, state, job_id)
                values (?, ?, 0, 'echo', '{}', false, 1000, 1, '{}', 0, 'RUNNABLE', ?)""", WORKFLOW, step, job);
    }

    private static JsonNode resolve(String template) {
        return json(jdbc.queryForObject("select workflow_resolve(?::jsonb, ?)::text", String.class, template,
                WORKFLOW));
    }

    private static JsonNode json(String json) {
        return WireJson.mapper().readTree(json);
    }
}
