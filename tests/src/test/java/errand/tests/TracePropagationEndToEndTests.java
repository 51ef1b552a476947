package errand.tests;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DeliverCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import errand.model.JobStatus;
import errand.model.Topology;
import errand.model.WireJson;

/** A W3C trace context travels from the HTTP request through the broker to the worker and back with its events. */
class TracePropagationEndToEndTests {

    private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withOneWorker();

    @Test
    void workerEventsCarryTheTraceOfTheSubmittingRequest() throws Exception {
        platform.awaitTaskTypesKnown(List.of("echo", "sleep"));
        Map<String, List<String>> eventTraces = new ConcurrentHashMap<>();
        try (Connection broker = platform.services().openBroker()) {
            Channel channel = broker.createChannel();
            String spy = channel.queueDeclare("", false, true, true, null).getQueue();
            channel.queueBind(spy, Topology.RESULTS_EXCHANGE, "");
            DeliverCallback record = (tag, delivery) -> {
                JsonNode event = WireJson.tree(delivery.getBody());
                Object traceparent = delivery.getProperties().getHeaders() == null ? null
                        : delivery.getProperties().getHeaders().get("traceparent");
                eventTraces.computeIfAbsent(event.path("jobId").asString(), id -> new CopyOnWriteArrayList<>())
                        .add(event.path("event").asString() + "=" + traceparent);
            };
            channel.basicConsume(spy, true, record, tag -> { });

            ErrandClient.Response submitted = platform.api().submitInTrace(
                    // long enough to report its start (errand.worker.started-report-delay)
                    JobFixtures.aSleepJob(Duration.ofMillis(300)), "00-" + CALLER_TRACE + "-"
                            + CALLER_SPAN + "-01");
            assertThat(submitted.status()).as("%s", submitted).isEqualTo(202);
            UUID id = submitted.jobId();
            JsonNode job = platform.api().awaitStatus(id, JobStatus.SUCCEEDED, ofSeconds(30));

            assertThat(job.path("traceId").asString()).isEqualTo(CALLER_TRACE);
            await().atMost(ofSeconds(10)).untilAsserted(() -> assertThat(eventTraces.get(id.toString()))
                    .anyMatch(e -> e.startsWith("started="))
                    .anyMatch(e -> e.startsWith("succeeded="))
                    .allMatch(e -> e.contains("-" + CALLER_TRACE + "-"))
                    // the worker's own span sent them, not the caller's
                    .noneMatch(e -> e.contains("-" + CALLER_SPAN + "-")));
        }
    }

    @Test
    void startsANewTraceForARequestWithoutOne() {
        platform.awaitTaskTypesKnown(List.of("echo"));
        UUID first = platform.api().submit(JobFixtures.anEchoJobNumbered(1)).jobId();
        UUID second = platform.api().submit(JobFixtures.anEchoJobNumbered(2)).jobId();

        String firstTrace = platform.api().job(first).path("traceId").asString();
        String secondTrace = platform.api().job(second).path("traceId").asString();

        assertThat(firstTrace).matches("[0-9a-f]{32}").isNotEqualTo(secondTrace);
    }
}
