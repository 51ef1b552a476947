package errand.api.jobs;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

import errand.api.changes.JobChangeHub;
import io.swagger.v3.oas.annotations.Operation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/v1/jobs/{id}/events}: a server-sent event with the job as data each time it changes, the first
 * one at once, closed after the terminal one. Each stream runs on its own virtual thread, woken by the change hub.
 */
@RestController
class JobEventsController {

    private static final Logger log = LoggerFactory.getLogger(JobEventsController.class);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final JobService jobs;
    private final JobChangeHub changes;

    JobEventsController(JobService jobs, JobChangeHub changes) {
        this.jobs = jobs;
        this.changes = changes;
    }

    @Operation(summary = "Follow a job as server-sent events", description = "One event per change with the job as "
            + "data, the first at once; the stream closes after the terminal event.")
    @GetMapping(path = "/api/v1/jobs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@PathVariable String id) {
        UUID jobId = JobIds.parse(id);
        JobChangeHub.Subscription subscription = changes.subscribe(jobId);
        try {
            jobs.get(jobId);
        } catch (RuntimeException e) {
            subscription.close();
            throw e;
        }
        SseEmitter emitter = new SseEmitter(0L);
        Thread.ofVirtual().name("errand-sse-" + jobId).start(() -> stream(jobId, subscription, emitter));
        return emitter;
    }

    private void stream(UUID jobId, JobChangeHub.Subscription subscription, SseEmitter emitter) {
        try (subscription) {
            JobResponse last = null;
            long sequence = 0;
            while (true) {
                JobResponse current = JobResponse.of(jobs.get(jobId));
                if (!Objects.equals(current, last)) {
                    emitter.send(SseEmitter.event().id(Long.toString(++sequence)).data(current,
                            MediaType.APPLICATION_JSON));
                    last = current;
                }
                if (current.status().isTerminal()) {
                    emitter.complete();
                    return;
                }
                if (!subscription.awaitChange(KEEP_ALIVE)) {
                    emitter.send(SseEmitter.event().comment("keep-alive"));
                }
            }
        } catch (IOException | IllegalStateException e) {
            log.debug("Event stream of job {} ended by the client: {}", jobId, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emitter.complete();
        } catch (RuntimeException e) {
            log.warn("Event stream of job {} failed", jobId, e);
            emitter.completeWithError(e);
        }
    }
}
