package errand.api.jobs;

import java.io.IOException;
import java.util.Objects;
import java.util.UUID;

import errand.api.changes.JobChangeHub;
import errand.api.changes.SseLoop;
import errand.api.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/v1/jobs/{id}/events}: a server-sent event with the job as data each time it changes, the first
 * one at once, closed after the terminal one. Each stream runs on its own virtual thread (an {@link SseLoop}),
 * woken by the change hub.
 */
@RestController
class JobEventsController {

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
    private final class EventStream extends SseLoop {

        private final String tenant;
        private final UUID jobId;
        private @Nullable JobResponse last;
        private long sequence;

        EventStream(String tenant, UUID jobId, JobChangeHub.Subscription subscription, SseEmitter emitter) {
            super("errand-sse-" + jobId, "job " + jobId, subscription, emitter);
            this.tenant = tenant;
            this.jobId = jobId;
        }

        @Override
        protected boolean runOnce() throws IOException, InterruptedException {
            JobResponse current = JobResponse.of(jobs.get(tenant, jobId));
            if (!Objects.equals(current, last)) {
                send(SseEmitter.event().id(Long.toString(++sequence)).data(current,
                        MediaType.APPLICATION_JSON));
                last = current;
            }
            if (current.status().isTerminal()) {
                complete();
                return false;
            }
            awaitChangeOrKeepAlive();
            return true;
        }
    }
}
