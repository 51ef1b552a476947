package errand.worker.runtime.executing;

import java.util.HashMap;
import java.util.Map;

import errand.amqp.JobMessages;
import errand.model.Headers;
import errand.model.JobLogContext;
import errand.model.JobMessage;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.core.task.TaskDecorator;

/**
 * One span per attempt.
 *
 * <p>{@link #start} opens the attempt's span on the consumer thread, a child of the job message's W3C
 * {@code traceparent} (a new trace if it has none), with the job's {@link JobLogContext}; while the span is in
 * scope, Micrometer Tracing puts {@code traceId} and {@code spanId} in the MDC. Everything published for the attempt
 * carries the span's {@link Attempt#traceparent()}, so the trace goes on from the worker. As a {@link TaskDecorator}
 * it puts the same span in scope on the handler's thread (a virtual thread or a CPU pool thread), for the handler's
 * log lines and any spans the handler opens.
 *
 * <p>A span that is not sampled is not recorded, but its trace id and span id propagate and are logged all the same.
 * The cost per attempt is one span: no other work on the hot path.
 */
public final class AttemptTracing implements TaskDecorator {

    private static final String SPAN_NAME = "errand.attempt";

    private static final Logger log = LoggerFactory.getLogger(AttemptTracing.class);

    private final Tracer tracer;
    private final Propagator propagator;

    public AttemptTracing(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** Starts the attempt's span and puts it in scope on the calling thread; close the answer on the same thread. */
    public Attempt start(JobMessage job, Message message) {
        Span span = propagator.extract(message.getMessageProperties().getHeaders(),
                        (headers, key) -> headers.get(key) instanceof String value ? value : null)
                .name(SPAN_NAME)
                .kind(Span.Kind.CONSUMER)
                .tag("errand.job.id", job.jobId().toString())
                .tag("errand.task.type", job.type())
                .tag("errand.attempt", job.attempt())
                .start();
        return new Attempt(job, span, tracer.withSpan(span),
                JobLogContext.of(job.jobId(), job.type()), JobMessages.traceparent(message.getMessageProperties()));
    }

    /** Runs {@code handler} in the span in scope on the calling thread. */
    @Override
    public Runnable decorate(Runnable handler) {
        Span span = tracer.currentSpan();
        return () -> {
            try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
                handler.run();
            }
        };
    }

    /** An attempt's span, in scope on the thread that started it until closed. */
    public final class Attempt implements AutoCloseable {

        private final JobMessage job;
        private final Span span;
        private final Tracer.SpanInScope scope;
        private final JobLogContext logContext;
        private final @Nullable String received;

        private Attempt(JobMessage job, Span span, Tracer.SpanInScope scope, JobLogContext logContext,
                @Nullable String received) {
            this.job = job;
            this.span = span;
            this.scope = scope;
            this.logContext = logContext;
            this.received = received;
        }

        /**
         * The span's context as a W3C {@code traceparent}, for every message published for the attempt; the job's
         * own if tracing propagates nothing (switched off), so the trace id still travels.
         */
        public @Nullable String traceparent() {
            Map<String, String> carrier = new HashMap<>(4);
            propagator.inject(span.context(), carrier, Map::put);
            String own = carrier.get(Headers.TRACEPARENT);
            return own != null ? own : received;
        }

        /** Ends the span and clears the MDC. */
        @Override
        public void close() {
            log.debug("Attempt {} of job {} ended", job.attempt(), job.jobId());
            logContext.close();
            scope.close();
            span.end();
        }
    }
}
