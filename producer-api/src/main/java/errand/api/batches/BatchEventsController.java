package errand.api.batches;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import errand.api.Problems;
import errand.api.changes.JobChangeHub;
import errand.api.changes.SseLoop;
import errand.api.jobs.Job;
import errand.api.jobs.JobResponse;
import errand.api.jobs.JobStore;
import errand.api.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/v1/batches/{id}/events}: one {@code job} event per job of the batch that reaches a terminal state
 * (those already terminal first), then a final {@code batch} event, then the stream closes. Woken by the change hub
 * when a job of the batch becomes terminal, on its own virtual thread.
 */
@RestController
class BatchEventsController {

    /**
     * Jobs are re-read from a little before the last finish seen: a job whose transaction committed late may carry
     * an earlier finish time than one already sent. Those seen are remembered, so none is sent twice.
     */
    private static final Duration COMMIT_SLACK = Duration.ofSeconds(30);
    private static final long NO_TIMEOUT = 0L;

    private final Batches batches;
    private final JobStore jobs;
    private final JobChangeHub changes;

    BatchEventsController(Batches batches, JobStore jobs, JobChangeHub changes) {
        this.batches = batches;
        this.jobs = jobs;
        this.changes = changes;
    }

    @Operation(summary = "Follow a batch as server-sent events", description = "One job event per job that reaches "
            + "a terminal state, then a batch event, then the stream closes.")
    @GetMapping(path = "/api/v1/batches/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        UUID batchId = BatchController.idOf(id);
        JobChangeHub.Subscription subscription = changes.subscribe(batchId);
        BatchStore.Batch batch;
        try {
            batch = batches.find(caller.tenant(), batchId);
        } catch (RuntimeException e) {
            subscription.close();
            throw e;
        }
        SseEmitter emitter = new SseEmitter(NO_TIMEOUT);
        new OutcomeStream(batch, subscription, emitter).start();
        return emitter;
    }

    @ExceptionHandler
    ProblemDetail notFound(Batches.BatchNotFound e) {
        return Problems.of(HttpStatus.NOT_FOUND, "batch-not-found", "Batch not found", e.getMessage());
    }

    private final class OutcomeStream extends SseLoop {

        private final BatchStore.Batch batch;
        private final Set<UUID> sent = new HashSet<>();
        private Instant from;
        private long sequence;

        OutcomeStream(BatchStore.Batch batch, JobChangeHub.Subscription subscription, SseEmitter emitter) {
            super("errand-batch-sse-" + batch.id(), "batch " + batch.id(), subscription, emitter);
            this.batch = batch;
            this.from = batch.createdAt();
        }

        @Override
        protected boolean runOnce() throws IOException, InterruptedException {
            // read before the jobs: once it says DONE, every job is terminal and the read below sees them all
            Batches.BatchView view = batches.view(batch);
            for (Job job : jobs.terminalOfBatchSince(batch.id(), from.minus(COMMIT_SLACK))) {
                if (sent.add(job.id())) {
                    send(SseEmitter.event().id(Long.toString(++sequence)).name("job")
                            .data(JobResponse.of(job), MediaType.APPLICATION_JSON));
                    if (job.finishedAt() != null && job.finishedAt().isAfter(from)) {
                        from = job.finishedAt();
                    }
                }
            }
            if (view.done()) {
                send(SseEmitter.event().id(Long.toString(++sequence)).name("batch")
                        .data(view, MediaType.APPLICATION_JSON));
                complete();
                return false;
            }
            awaitChangeOrKeepAlive();
            return true;
        }
    }
}
