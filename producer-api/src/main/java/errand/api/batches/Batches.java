package errand.api.batches;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import errand.api.changes.JobChangeHub;
import errand.api.jobs.JobService;
import errand.api.jobs.JobStore;
import errand.api.stats.JobCounts;
import errand.model.JobStatus;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * Reading, waiting on and cancelling batches. A batch is {@code DONE} once every job is terminal, read from the
 * maintained counts (exact: folded counts plus pending deltas), never by counting its jobs.
 */
@Service
class Batches {

    private final BatchStore batches;
    private final JobCounts counts;
    private final JobStore jobs;
    private final JobService jobService;
    private final JobChangeHub changes;

    Batches(BatchStore batches, JobCounts counts, JobStore jobs, JobService jobService, JobChangeHub changes) {
        this.batches = batches;
        this.counts = counts;
        this.jobs = jobs;
        this.jobService = jobService;
        this.changes = changes;
    }

    /** A batch as the API shows it. */
    record BatchView(UUID id, int size, Map<JobStatus, Long> counts, String status, Instant createdAt,
            @Nullable Instant finishedAt) {

        boolean done() {
            return "DONE".equals(status);
        }
    }

    BatchStore.Batch find(String tenant, UUID id) {
        return batches.find(tenant, id).orElseThrow(() -> new BatchNotFound(id.toString()));
    }

    BatchView view(String tenant, UUID id) {
        return view(find(tenant, id));
    }

    BatchView view(BatchStore.Batch batch) {
        Map<JobStatus, Long> byStatus = counts.ofBatch(batch.id());
        long terminal = byStatus.entrySet().stream().filter(e -> e.getKey().isTerminal())
                .mapToLong(Map.Entry::getValue).sum();
        boolean done = terminal >= batch.size();
        return new BatchView(batch.id(), batch.size(), byStatus, done ? "DONE" : "RUNNING", batch.createdAt(),
                done ? jobs.lastFinishedOfBatch(batch.id()).orElse(null) : null);
    }

    /**
     * A page of the tenant's batches, newest first, each as {@link #view} shows it: a page is bounded by the page
     * size and each batch is read from its maintained counts, so no batch's jobs are counted.
     */
    List<BatchView> page(String tenant, int limit, @Nullable UUID after) {
        return batches.page(tenant, limit, after).stream().map(this::view).toList();
    }

    /** Answers as soon as the batch is done, or as it is when {@code wait} has passed. */
    BatchView awaitDone(String tenant, UUID id, Duration wait) throws InterruptedException {
        BatchStore.Batch batch = find(tenant, id);
        return changes.awaitUntil(id, wait, () -> view(batch), BatchView::done);
    }

    /** Cancels every unfinished job of the batch; answers the batch as it is then. */
    BatchView cancel(String tenant, UUID id) {
        BatchStore.Batch batch = find(tenant, id);
        jobs.unfinishedOfBatch(batch.id()).forEach(job -> jobService.cancelIfUnfinished(tenant, job));
        return view(batch);
    }

    /** 404: no such batch for this tenant. */
    static final class BatchNotFound extends RuntimeException {

        BatchNotFound(String id) {
            super("No batch has the id " + id);
        }
    }
}
