package errand.api.jobs;

import java.util.UUID;

import errand.api.changes.JobChangeHub;
import errand.api.changes.SnapshotStream;
import errand.api.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/v1/jobs/{id}/events}: a server-sent event with the job as data each time it changes, the first
 * one at once, closed after the terminal one. Each stream runs on its own virtual thread (a {@link SnapshotStream}),
 * woken by the change hub.
 */
@RestController
class JobEventsController {

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
        return SnapshotStream.open(changes, jobId, "job " + jobId, null,
                () -> JobResponse.of(jobs.get(caller.tenant(), jobId)), job -> job.status().isTerminal());
    }
}
