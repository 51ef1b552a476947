package errand.tests.endtoend;

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
import errand.model.JobStatus;
import errand.model.Topology;
import errand.model.WireJson;
import errand.tests.support.ErrandClient;
import errand.tests.support.ErrandPlatform;
import errand.tests.support.JobFixtures;
import errand.tests.support.JobRequest;
import errand.tests.support.OtlpCollector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * A W3C trace context travels from the HTTP request through the broker to the worker and back with its events; the
 * spans the apps export (to an {@link OtlpCollector}) form the trace the README draws: caller →
 * {@code http post /api/v1/jobs} → {@code errand.attempt}. Sampling is at probability 0 here, so only a caller's
 * sampled flag gets a trace recorded ({@link TraceSamplingEndToEndTests} has probability 1).
 */
class TracePropagationEndToEndTests {

    private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";
    private static final String REQUEST_SPAN = "http post /api/v1/jobs";
    private static final String ATTEMPT_SPAN = "errand.attempt";
    private static final int SERVER = 2;
    private static final int CONSUMER = 5;

    static final OtlpCollector collector = OtlpCollector.start();

    @RegisterExtension
    static final ErrandPlatform platform = ErrandPlatform.withOneWorker()
            .apiArguments(tracingArguments(collector, "0.0"))
            .workerArguments(tracingArguments(collector, "0.0"));

    /** The settings the README names: the OTLP endpoint and the sampling probability of new traces. */
    static String[] tracingArguments(OtlpCollector collector, String probability) {
        return new String[] {"--management.opentelemetry.tracing.export.otlp.endpoint=" + collector.endpoint(),
            "--management.tracing.sampling.probability=" + probability};
    }

    @AfterAll
    static void stopTheCollector() {
        collector.close();
    }

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
    void recordsTheAttemptSpanAsAChildOfTheRequestSpanInTheCallersSampledTrace() {
        String trace = "5bf92f3577b34da6a3ce929d0e0e4736";
        UUID id = submitInTrace(JobFixtures.anEchoJobNumbered(3), trace, CALLER_SPAN, "01");
        platform.api().awaitStatus(id, JobStatus.SUCCEEDED, ofSeconds(30));

        List<OtlpCollector.ExportedSpan> spans = await("the request's and the attempt's spans exported")
                .atMost(ofSeconds(30)).until(() -> collector.spansOfTrace(trace), found -> found.stream()
                        .anyMatch(span -> span.name().equals(ATTEMPT_SPAN))
                        && found.stream().anyMatch(span -> span.name().equals(REQUEST_SPAN)));

        OtlpCollector.ExportedSpan request = only(spans, REQUEST_SPAN);
        assertThat(request.service()).isEqualTo("producer-api");
        assertThat(request.kind()).isEqualTo(SERVER);
        assertThat(request.parentSpanId()).as("the request span continues the caller's").isEqualTo(CALLER_SPAN);
        OtlpCollector.ExportedSpan attempt = only(spans, ATTEMPT_SPAN);
        assertThat(attempt.service()).isEqualTo("errand-worker");
        assertThat(attempt.kind()).isEqualTo(CONSUMER);
        assertThat(attempt.parentSpanId()).as("the attempt's parent").isEqualTo(request.spanId());
        assertThat(attempt.attributes()).containsEntry("errand.job.id", id.toString())
                .containsEntry("errand.task.type", "echo").containsEntry("errand.attempt", "1");
    }

    @Test
    void recordsARetrysAttemptSpanAsAChildOfTheFailedAttempts() {
        String trace = "6bf92f3577b34da6a3ce929d0e0e4736";
        UUID id = submitInTrace(JobFixtures.aFailingJob(1, true), trace, CALLER_SPAN, "01");
        platform.api().awaitStatus(id, JobStatus.SUCCEEDED, ofSeconds(60));

        // each app exports on its own schedule: wait for the request's span and both attempts'
        List<OtlpCollector.ExportedSpan> spans = await("the request's and both attempts' spans exported")
                .atMost(ofSeconds(30)).until(() -> collector.spansOfTrace(trace), found -> found.stream()
                        .filter(span -> span.name().equals(ATTEMPT_SPAN)).count() >= 2
                        && found.stream().anyMatch(span -> span.name().equals(REQUEST_SPAN)));

        List<OtlpCollector.ExportedSpan> attempts = spans.stream().filter(span -> span.name().equals(ATTEMPT_SPAN))
                .toList();
        assertThat(attempts).hasSize(2);
        OtlpCollector.ExportedSpan first = attemptNumbered(attempts, "1");
        OtlpCollector.ExportedSpan second = attemptNumbered(attempts, "2");
        assertThat(first.parentSpanId()).isEqualTo(only(spans, REQUEST_SPAN).spanId());
        assertThat(second.parentSpanId()).as("the retry's parent").isEqualTo(first.spanId());
    }

    @Test
    void recordsNoNewTraceAtProbabilityZeroYetStoresItsId() {
        UUID unsampled = UUID.fromString(platform.api().accept(JobFixtures.anEchoJobNumbered(4)).path("id")
                .asString());
        String unsampledTrace = platform.api().awaitStatus(unsampled, JobStatus.SUCCEEDED, ofSeconds(30))
                .path("traceId").asString();
        assertThat(unsampledTrace).matches("[0-9a-f]{32}");

        // a sampled job after it: once its spans are in from both apps, anything of the earlier trace would be too
        awaitBothAppsExportedASampledJob("7bf92f3577b34da6a3ce929d0e0e4736");

        assertThat(collector.spansOfTrace(unsampledTrace)).as("spans of the unsampled trace").isEmpty();
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

    /** Submits a sampled job in {@code trace}, waits until both apps exported its spans. */
    private static void awaitBothAppsExportedASampledJob(String trace) {
        UUID id = submitInTrace(JobFixtures.anEchoJobNumbered(5), trace, CALLER_SPAN, "01");
        platform.api().awaitStatus(id, JobStatus.SUCCEEDED, ofSeconds(30));
        await("spans of the sampled trace " + trace).atMost(ofSeconds(30)).until(() -> collector.spansOfTrace(trace)
                .stream().map(OtlpCollector.ExportedSpan::service).distinct().count() == 2);
    }

    private static UUID submitInTrace(JobRequest job, String trace, String span, String flags) {
        ErrandClient.Response submitted = platform.api().submitInTrace(job, "00-" + trace + "-" + span + "-" + flags);
        assertThat(submitted.status()).as("%s", submitted).isEqualTo(202);
        return submitted.jobId();
    }

    private static OtlpCollector.ExportedSpan only(List<OtlpCollector.ExportedSpan> spans, String name) {
        List<OtlpCollector.ExportedSpan> named = spans.stream().filter(span -> span.name().equals(name)).toList();
        assertThat(named).as("spans named %s in %s", name, spans).hasSize(1);
        return named.getFirst();
    }

    private static OtlpCollector.ExportedSpan attemptNumbered(List<OtlpCollector.ExportedSpan> spans, String n) {
        return spans.stream().filter(span -> n.equals(span.attributes().get("errand.attempt"))).findFirst()
                .orElseThrow(() -> new AssertionError("no attempt " + n + " in " + spans));
    }
}
