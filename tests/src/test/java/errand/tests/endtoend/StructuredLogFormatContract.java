package errand.tests.endtoend;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.UUID;

import errand.model.JobStatus;
import errand.tests.support.AppProcess;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.JobFixtures;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What the README promises for every structured log format it names ({@code logging.structured.format.console}):
 * both apps write one JSON object per line, in the format's own shape, and the lines about a job carry its id, task
 * type and trace. One subclass per format starts the platform with it, and says how the format names the fields.
 */
abstract class StructuredLogFormatContract {

    private static final String CALLER_TRACE = "1af7651916cd43dd8448eb211c80319c";
    private static final String CALLER_SPAN = "c7ad6b7169203331";

    /** The platform, started with the format on both apps and the per-job DEBUG lines switched on. */
    abstract ErrandPlatform platform();

    /** How the format names a field the apps put in the log context ({@code jobId}, {@code traceId}, ...). */
    abstract String contextField(String name);

    /** Asserts the fields every line of the format has. */
    abstract void assertHasTheFormatsFields(JsonNode line);

    /** The arguments that switch the format on, and the per-job DEBUG lines the README names. */
    static String[] apiArguments(String format) {
        return new String[] {"--logging.structured.format.console=" + format,
            "--logging.level.errand.api.jobs.JobService=debug"};
    }

    static String[] workerArguments(String format) {
        return new String[] {"--logging.structured.format.console=" + format,
            "--logging.level.errand.worker.runtime.executing.AttemptTracing=debug"};
    }

    @Test
    void bothAppsLogAJobWithItsIdTypeAndTrace() {
        ErrandClient.Response submitted = platform().api().submitInTrace(JobFixtures.anEchoJobNumbered(1),
                "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01");
        assertThat(submitted.status()).as("%s", submitted).isEqualTo(202);
        UUID id = submitted.jobId();
        platform().api().awaitStatus(id, JobStatus.SUCCEEDED, ofSeconds(30));

        for (AppProcess app : List.of(platform().apiProcess(), platform().workers().getFirst())) {
            List<JsonNode> lines = await("lines of " + app + " about job " + id).atMost(ofSeconds(10))
                    .until(() -> StructuredLogsEndToEndTests.linesAbout(id, app), found -> !found.isEmpty());
            assertThat(lines).as("lines of %s about the job", app).allSatisfy(line -> {
                assertHasTheFormatsFields(line);
                assertThat(line.path(contextField("jobId")).asString()).as("%s", line).isEqualTo(id.toString());
                assertThat(line.path(contextField("taskType")).asString()).as("%s", line).isEqualTo("echo");
                assertThat(line.path(contextField("traceId")).asString()).as("%s", line).isEqualTo(CALLER_TRACE);
                assertThat(line.path(contextField("spanId")).asString()).as("%s", line).matches("[0-9a-f]{16}");
            });
        }
    }

    @Test
    void everyLineBothAppsWriteIsAJsonObjectOfTheFormat() {
        for (AppProcess app : List.of(platform().apiProcess(), platform().workers().getFirst())) {
            List<String> output = app.outputSinceStart().stream().filter(line -> !line.isBlank()).toList();
            assertThat(output).as("output of %s", app).isNotEmpty().allSatisfy(line -> {
                JsonNode json = StructuredLogsEndToEndTests.json(line);
                assertThat(json).as("a JSON object: %s", line).isNotNull();
                assertHasTheFormatsFields(json);
            });
        }
    }
}
