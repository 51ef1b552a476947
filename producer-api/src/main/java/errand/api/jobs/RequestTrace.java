package errand.api.jobs;

import java.util.HashMap;
import java.util.Map;

import errand.model.Headers;
import errand.model.Traceparent;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The trace a job joins: the current HTTP request's span, opened by Spring Boot's server observation as a child of
 * the caller's W3C {@code traceparent} (or as a new trace). A job stores that span's context and sends it with every
 * attempt, so a worker's attempt span is the request span's child. The context is kept whether or not the trace is
 * sampled: its trace id travels and is logged either way.
 */
@Component
class RequestTrace {

    private final Tracer tracer;
    private final Propagator propagator;

    RequestTrace(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
        this.propagator = propagator.getIfAvailable(() -> Propagator.NOOP);
    }

    /**
     * The current span's context as a {@code traceparent} header value; a new trace's when there is no span or
     * tracing propagates nothing (switched off), so every job still has a trace id.
     */
    String traceparent() {
        Span span = tracer.currentSpan();
        if (span != null) {
            Map<String, String> carrier = new HashMap<>(4);
            propagator.inject(span.context(), carrier, Map::put);
            String header = carrier.get(Headers.TRACEPARENT);
            if (header != null) {
                return header;
            }
        }
        return Traceparent.newTrace().header();
    }
}
