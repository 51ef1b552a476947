package errand.api.jobs;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

import errand.api.BackgroundLoop;
import errand.api.changes.JobChangeHub;
import errand.api.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/v1/jobs/{id}/events}: a server-sent event with the job as data each time it changes, the first
 * one at once, closed after the terminal one. Each stream runs on its own virtual thread (a {@link BackgroundLoop}),
 * woken by the change hub.
 */
@RestController
class JobEventsController {

    private static final Logger log = LoggerFactory.getLogger(JobEventsController.class);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    /** An SSE stream lasts until its job is terminal or the client goes. */
    private static final long NO_TIMEOUT = 0L;

    private final JobService jobs;
    private final JobChangeHub changes;

    JobEventsController(JobService jobs, JobChangeHub changes) {
        this.jobs = jobs;
        this.changes = changes;
    }

    @Operation(summary = "Follow a job as server-sent events", description = "One event per change with the job as "
            + "data, the first at once; the stream closes after the terminal event.")
    @GetMapping(path = "/api/v1/jobs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        UUID jobId = JobIds.parse(id);
        JobChangeHub.Subscription subscription = changes.subscribe(jobId);
        try {
            jobs.get(caller.tenant(), jobId);
        } catch (RuntimeException e) {
            subscription.close();
            throw e;
        }
        SseEmitter emitter = new SseEmitter(NO_TIMEOUT);
        new EventStream(caller.tenant(), jobId, subscription, emitter).start();
        return emitter;
    }

    /** One stream: a round sends the job if it changed, then waits for its next change or the keep-alive. */
    private final class EventStream extends BackgroundLoop {

        private final String tenant;
        private final UUID jobId;
        private final JobChangeHub.Subscription subscription;
        private final SseEmitter emitter;
        private @Nullable JobResponse last;
        private long sequence;

        EventStream(String tenant, UUID jobId, JobChangeHub.Subscription subscription, SseEmitter emitter) {
            // a failed stream ends, so it never pauses
            super("errand-sse-" + jobId, Threads.VIRTUAL, Duration.ZERO);
            this.tenant = tenant;
            this.jobId = jobId;
            this.subscription = subscription;
            this.emitter = emitter;
        }

        @Override
        protected boolean runOnce() throws IOException, InterruptedException {
            JobResponse current = JobResponse.of(jobs.get(tenant, jobId));
            if (!Objects.equals(current, last)) {
                emitter.send(SseEmitter.event().id(Long.toString(++sequence)).data(current,
                        MediaType.APPLICATION_JSON));
                last = current;
            }
            if (current.status().isTerminal()) {
                emitter.complete();
                return false;
            }
            if (!subscription.awaitChange(KEEP_ALIVE)) {
                emitter.send(SseEmitter.event().comment("keep-alive"));
            }
            return true;
        }

        @Override
        protected boolean onFailure(Exception e) {
            if (e instanceof IOException || e instanceof IllegalStateException) {
                log.debug("Event stream of job {} ended by the client: {}", jobId, e.getMessage());
            } else {
                log.warn("Event stream of job {} failed", jobId, e);
                emitter.completeWithError(e);
            }
            return false;
        }

        @Override
        protected void onInterrupted() {
            emitter.complete();
        }

        @Override
        protected void onEnd() {
            subscription.close();
        }
    }
}
