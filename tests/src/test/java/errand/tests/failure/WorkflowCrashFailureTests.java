package errand.tests.failure;

import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import errand.tests.support.AppProcess;
import errand.tests.support.ErrandClient;
import errand.tests.support.FaultPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * {@code kill -9} of the API, then of a worker, in the middle of a 200-step chain of {@code echo} steps, each
 * carrying the previous step's result on: every step runs once, the last result has been through all 200, and the
 * workflow ends {@code SUCCEEDED}. The engine is a trigger in the transaction that records each result, so neither
 * crash can fall between a step's end and its successor's creation.
 */
class WorkflowCrashFailureTests {

    private static final int STEPS = 200;

    @RegisterExtension
    static final FaultPlatform platform = FaultPlatform.withWorkers(2);

    @Test
    void aChainRunsEveryStepOnceThroughTheKillOfTheApiAndOfAWorker() throws SQLException {
        ErrandClient api = platform.api();
        String steps = IntStream.range(0, STEPS).mapToObj(i -> i == 0
                ? "{\"id\": \"s0\", \"type\": \"echo\", \"payload\": {\"hops\": 0}}"
                : "{\"id\": \"s%d\", \"type\": \"echo\", \"dependsOn\": [\"s%d\"], \"payload\": {\"hops\": %d, "
                        .formatted(i, i - 1, i) + "\"previous\": {\"$from\": \"s%d\", \"at\": \"/hops\"}}}"
                        .formatted(i - 1))
                .collect(Collectors.joining(", "));
        Instant submittedAt = Instant.now();
        ErrandClient.Response submitted = api.post("/api/v1/workflows", "application/json",
                "{\"name\": \"crash-chain\", \"steps\": [" + steps + "]}", null);
        assertThat(submitted.status()).as("%s", submitted).isEqualTo(202);
        UUID id = UUID.fromString(submitted.json().path("id").asString());

        await("a quarter of the chain done").atMost(ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> succeededSteps(id) >= STEPS / 4);
        AppProcess apiProcess = platform.apiProcess();
        apiProcess.kill();
        apiProcess.restart();
        await("half of the chain done").atMost(ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> succeededSteps(id) >= STEPS / 2);
        platform.worker(1).kill();

        JsonNode done = await("the workflow ended").atMost(ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                .until(() -> api.get("/api/v1/workflows/" + id).json(),
                        workflow -> !workflow.path("status").asString().equals("RUNNING"));
        System.getLogger(getClass().getName()).log(System.Logger.Level.INFO, "{0} steps through two kills in {1} ms",
                STEPS, Duration.between(submittedAt, Instant.now()).toMillis());

        assertThat(done.path("status").asString()).as("%s", done.path("steps")).isEqualTo("SUCCEEDED");
        assertThat(rows("select count(*) from jobs where workflow_id = ?", id)).as("jobs of the workflow")
                .isEqualTo(STEPS);
        assertThat(rows("select count(distinct step_id) from jobs where workflow_id = ? and status = 'SUCCEEDED'",
                id)).as("steps that succeeded").isEqualTo(STEPS);
        JsonNode last = done.path("steps").get(STEPS - 1);
        assertThat(last.path("result").path("previous").asInt()).isEqualTo(STEPS - 2);
        assertThat(rows("select count(*) from workflows where id = ? and finished_at is not null", id)).isEqualTo(1);
        await("the API still answers").atMost(ofSeconds(30)).until(() -> api.get("/api/v1/workflows/" + id)
                .status() == 200);
    }

    private static long succeededSteps(UUID workflow) throws SQLException {
        return rows("select count(*) from jobs where workflow_id = ? and status = 'SUCCEEDED'", workflow);
    }

    private static long rows(String sql, UUID id) throws SQLException {
        return platform.services().queryLong(sql, id);
    }
}
