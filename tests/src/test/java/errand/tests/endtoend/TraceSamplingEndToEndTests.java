package errand.tests.endtoend;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import errand.model.JobStatus;
import errand.model.Topology;
import errand.model.WireJson;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.JobFixtures;
import errand.tests.support.OtlpCollector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sampling at probability 1 ({@code management.tracing.sampling.probability}, the README's
 * {@code MANAGEMENT_TRACING_SAMPLING_PROBABILITY}): every new trace is recorded by both apps, yet a caller's
 * unsampled flag is followed and its trace, though not recorded, keeps its id. {@link TracePropagationEndToEndTests}
 * runs at probability 0.
 */
class TraceSamplingEndToEndTests {

    private static final String CALLER_SPAN = "00f067aa0ba902b7";

    static final OtlpCollector collector = OtlpCollector.start();

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withOneWorker()
            .apiArguments(TracePropagationEndToEndTests.tracingArguments(collector, "1.0"))
            .workerArguments(TracePropagationEndToEndTests.tracingArguments(collector, "1.0"));

    @AfterAll
    static void stopTheCollector() {
        collector.close();
    }

    @Test
    void recordsANewTraceInBothAppsAtProbabilityOne() {
        UUID id = UUID.fromString(platform.api().accept(JobFixtures.anEchoJobNumbered(1)).path("id").asString());
        String trace = platform.api().awaitStatus(id, JobStatus.SUCCEEDED, ofSeconds(30)).path("traceId").asString();

        await("spans of the new trace " + trace + " from both apps").atMost(ofSeconds(30))
                .until(() -> servicesThatExported(trace), services -> services.size() == 2);
        assertThat(servicesThatExported(trace)).containsExactlyInAnyOrder("producer-api", "errand-worker");
    }

    @Test
    void followsACallersUnsampledFlagYetStoresAndPropagatesItsTraceId() throws Exception {
        String unsampledTrace = "8bf92f3577b34da6a3ce929d0e0e4736";
        Map<String, List<String>> eventTraceparents = new ConcurrentHashMap<>();
        try (Connection broker = platform.services().openBroker()) {
            Channel channel = broker.createChannel();
            String spy = channel.queueDeclare("", false, true, true, null).getQueue();
            channel.queueBind(spy, Topology.RESULTS_EXCHANGE, "");
            channel.basicConsume(spy, true, (tag, delivery) -> eventTraceparents.computeIfAbsent(
                    WireJson.tree(delivery.getBody()).path("jobId").asString(), id -> new CopyOnWriteArrayList<>())
                    .add(delivery.getProperties().getHeaders() == null ? "none"
                            : String.valueOf(delivery.getProperties().getHeaders().get("traceparent"))), tag -> { });

            ErrandClient.Response submitted = platform.api().submitInTrace(JobFixtures.anEchoJobNumbered(2),
                    "00-" + unsampledTrace + "-" + CALLER_SPAN + "-00");
            assertThat(submitted.status()).as("%s", submitted).isEqualTo(202);
            UUID id = submitted.jobId();
            assertThat(platform.api().awaitStatus(id, JobStatus.SUCCEEDED, ofSeconds(30)).path("traceId").asString())
                    .isEqualTo(unsampledTrace);
            // the worker's events go on in the caller's trace, still unsampled
            await().atMost(ofSeconds(10)).untilAsserted(() -> assertThat(eventTraceparents.get(id.toString()))
                    .isNotEmpty().allSatisfy(traceparent -> assertThat(traceparent)
                            .matches("00-" + unsampledTrace + "-[0-9a-f]{16}-00")));
        }

        // a new (so, at probability 1, sampled) job after it: once its spans are in from both apps, anything the
        // earlier job recorded would have been exported too
        UUID later = UUID.fromString(platform.api().accept(JobFixtures.anEchoJobNumbered(3)).path("id").asString());
        String laterTrace = platform.api().awaitStatus(later, JobStatus.SUCCEEDED, ofSeconds(30)).path("traceId")
                .asString();
        await("spans of the later trace from both apps").atMost(ofSeconds(30))
                .until(() -> servicesThatExported(laterTrace), services -> services.size() == 2);

        assertThat(collector.spansOfTrace(unsampledTrace)).as("spans of the caller's unsampled trace").isEmpty();
    }

    private static Set<String> servicesThatExported(String trace) {
        return collector.spansOfTrace(trace).stream().map(OtlpCollector.ExportedSpan::service)
                .collect(Collectors.toSet());
    }
}
