package errand.worker.runtime.executing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import errand.model.Headers;
import errand.model.JobMessage;
import errand.model.Traceparent;
import errand.worker.runtime.registry.TaskFixtures;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/**
 * Attempt spans on the OpenTelemetry SDK with W3C propagation, as Spring Boot wires them. (That Boot's MDC
 * correlation then logs their ids is shown end to end by {@code StructuredLogsEndToEndTests}.)
 */
class AttemptTracingTests {

    private static final String JOB_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String JOB_SPAN = "00f067aa0ba902b7";

    private final SdkTracerProvider provider = SdkTracerProvider.builder().build();
    private final io.opentelemetry.api.trace.Tracer otel = provider.get("errand-test");
    private final OtelTracer tracer = new OtelTracer(otel, new OtelCurrentTraceContext(), event -> { });
    private final AttemptTracing tracing = new AttemptTracing(tracer,
            new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel));
    private final JobMessage job = TaskFixtures.aJob("echo", "{}");

    @AfterEach
    void closeProvider() {
        provider.close();
    }

    @Test
    void continuesTheJobsTraceWithASpanOfItsOwnAndPublishesThatSpan() {
        try (AttemptTracing.Attempt attempt = tracing.start(job, messageWith("00-" + JOB_TRACE + "-" + JOB_SPAN
                + "-01"))) {
            Traceparent published = Traceparent.parse(attempt.traceparent()).orElseThrow();

            assertThat(published.traceId()).isEqualTo(JOB_TRACE);
            assertThat(published.parentId()).isNotEqualTo(JOB_SPAN);
            assertThat(published.sampled()).isTrue();
            assertThat(tracer.currentSpan()).extracting(span -> span.context().spanId())
                    .isEqualTo(published.parentId());
            assertThat(MDC.get("jobId")).isEqualTo(job.jobId().toString());
            assertThat(MDC.get("taskType")).isEqualTo("echo");
        }
        assertThat(tracer.currentSpan()).isNull();
        assertThat(new String[] {MDC.get("jobId"), MDC.get("taskType")}).containsOnlyNulls();
    }

    @Test
    void keepsAnUnsampledTraceGoingUnsampled() {
        try (AttemptTracing.Attempt attempt = tracing.start(job, messageWith("00-" + JOB_TRACE + "-" + JOB_SPAN
                + "-00"))) {
            Traceparent published = Traceparent.parse(attempt.traceparent()).orElseThrow();

            assertThat(published.traceId()).isEqualTo(JOB_TRACE);
            assertThat(published.sampled()).isFalse();
        }
    }

    @Test
    void startsANewTraceForAJobWithoutOne() {
        try (AttemptTracing.Attempt attempt = tracing.start(job, new Message(new byte[0]))) {
            assertThat(Traceparent.parse(attempt.traceparent())).isPresent();
        }
    }

    @Test
    void runsTheHandlerOnAnotherThreadInTheAttemptsSpan() throws Exception {
        CompletableFuture<String> handlerSpan = new CompletableFuture<>();
        try (AttemptTracing.Attempt attempt = tracing.start(job, messageWith("00-" + JOB_TRACE + "-" + JOB_SPAN
                + "-01"))) {
            Runnable handler = tracing.decorate(() -> {
                Span current = tracer.currentSpan();
                handlerSpan.complete(current == null ? "none"
                        : current.context().traceId() + "-" + current.context().spanId());
            });
            Thread.ofVirtual().start(handler);

            Traceparent published = Traceparent.parse(attempt.traceparent()).orElseThrow();
            assertThat(handlerSpan.get(10, TimeUnit.SECONDS)).isEqualTo(JOB_TRACE + "-" + published.parentId());
        }
    }

    private static Message messageWith(String traceparent) {
        MessageProperties properties = new MessageProperties();
        properties.setHeader(Headers.TRACEPARENT, traceparent);
        return new Message(new byte[0], properties);
    }
}
