package errand.tests.endtoend;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import errand.model.JobStatus;
import errand.model.Topology;
import errand.model.WireJson;
import errand.tests.support.AppProcess;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.JobFixtures;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Both apps with JSON logs switched on ({@code logging.structured.format.console=ecs}, the setting the README names)
 * and the one DEBUG line per job each app has (the API's acceptance, the worker's end of an attempt): the job's
 * lines carry its id, task type and trace, and the API's request span and the worker's attempt span are two spans
 * of the caller's trace.
 */
class StructuredLogsEndToEndTests {

    private static final String CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String CALLER_SPAN = "b7ad6b7169203331";

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withOneWorker()
            .apiArguments("--logging.structured.format.console=ecs",
                    "--logging.level.errand.api.jobs.JobService=debug")
            .workerArguments("--logging.structured.format.console=ecs",
                    "--logging.level.errand.worker.runtime.executing.AttemptTracing=debug");

    @Test
    void apiAndWorkerLogAJobInTheCallersTraceEachWithItsOwnSpan() throws Exception {
        List<String> eventTraceparents = new CopyOnWriteArrayList<>();
        try (Connection broker = platform.services().openBroker()) {
            Channel channel = broker.createChannel();
            String spy = channel.queueDeclare("", false, true, true, null).getQueue();
            channel.queueBind(spy, Topology.RESULTS_EXCHANGE, "");
            channel.basicConsume(spy, true, (tag, delivery) -> eventTraceparents.add(delivery.getProperties()
                    .getHeaders() == null ? "none" : String.valueOf(delivery.getProperties().getHeaders()
                    .get("traceparent"))), tag -> { });

            ErrandClient.Response submitted = platform.api().submitInTrace(
                    JobFixtures.anEchoJobNumbered(7), "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01");
            assertThat(submitted.status()).as("%s", submitted).isEqualTo(202);
            UUID id = submitted.jobId();
            JsonNode job = platform.api().awaitStatus(id, JobStatus.SUCCEEDED, ofSeconds(30));
            assertThat(job.path("traceId").asString()).isEqualTo(CALLER_TRACE);

            List<JsonNode> apiLines = await().atMost(ofSeconds(10))
                    .until(() -> linesAbout(id, platform.apiProcess()), lines -> !lines.isEmpty());
            List<JsonNode> workerLines = await().atMost(ofSeconds(10))
                    .until(() -> linesAbout(id, platform.workers().getFirst()), lines -> !lines.isEmpty());

            for (JsonNode line : concat(apiLines, workerLines)) {
                assertThat(line.path("jobId").asString()).as("%s", line).isEqualTo(id.toString());
                assertThat(line.path("taskType").asString()).as("%s", line).isEqualTo("echo");
                assertThat(line.path("traceId").asString()).as("%s", line).isEqualTo(CALLER_TRACE);
                assertThat(line.path("spanId").asString()).as("%s", line).matches("[0-9a-f]{16}")
                        .isNotEqualTo(CALLER_SPAN);
            }
            Set<String> apiSpans = spansOf(apiLines);
            Set<String> workerSpans = spansOf(workerLines);
            assertThat(apiSpans).doesNotContainAnyElementsOf(workerSpans);
            // the worker's events continue the trace from the worker's span
            await().atMost(ofSeconds(10)).untilAsserted(() -> assertThat(eventTraceparents)
                    .isNotEmpty()
                    .allSatisfy(traceparent -> assertThat(workerSpans.stream()
                            .map(span -> "00-" + CALLER_TRACE + "-" + span + "-01")).contains(traceparent)));
        }
    }

    @Test
    void everyLineBothAppsWriteIsJson() {
        for (AppProcess app : List.of(platform.apiProcess(), platform.workers().getFirst())) {
            List<String> output = app.outputSinceStart().stream().filter(line -> !line.isBlank()).toList();
            assertThat(output).as("output of %s", app).isNotEmpty()
                    .allSatisfy(line -> assertThat(json(line)).as(line).isNotNull());
        }
    }

    /** The lines that name the job, as JSON; a line that is not JSON fails the test. */
    static List<JsonNode> linesAbout(UUID jobId, AppProcess app) {
        return app.outputSinceStart().stream()
                .filter(line -> line.contains(jobId.toString()))
                .map(line -> {
                    JsonNode json = json(line);
                    assertThat(json).as("a JSON line: %s", line).isNotNull();
                    return json;
                })
                .toList();
    }

    private static Set<String> spansOf(List<JsonNode> lines) {
        return lines.stream().map(line -> line.path("spanId").asString()).collect(Collectors.toSet());
    }

    private static List<JsonNode> concat(List<JsonNode> first, List<JsonNode> second) {
        List<JsonNode> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /** The line as a JSON object, or null if it is not one. */
    static @Nullable JsonNode json(String line) {
        try {
            JsonNode node = WireJson.mapper().readTree(line);
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException e) {
            return null;
        }
    }
}
