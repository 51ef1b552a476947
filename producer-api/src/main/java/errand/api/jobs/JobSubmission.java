package errand.api.jobs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import errand.api.ErrandMetrics;
import errand.api.FieldError;
import errand.api.dispatch.OutboxSignal;
import errand.model.JobLogContext;
import errand.model.JobStatus;
import errand.model.Traceparent;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Accepting jobs: parsing and validating the request, the idempotency key, the backlog's back-pressure, the commit
 * (grouped with concurrent submits, or on its own for a keyed one) and the signal to the outbox relay. A submit
 * commits the job row (its own outbox entry) before answering, then wakes the relay that publishes it: an accepted
 * job survives any crash.
 */
@Service
class JobSubmission {

    /**
     * The per-job lines (accepted here, cancelled and retried in {@link JobService}) share one logger, the one the
     * README tells operators to switch to DEBUG.
     */
    private static final Logger log = LoggerFactory.getLogger(JobService.class);

    /** The longest Idempotency-Key accepted, in characters. */
    private static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

    private final JobStore store;
    private final SubmitRequestParser parser;
    private final OutboxSignal relay;
    private final TransactionTemplate transactions;
    private final JobsProperties limits;
    private final JobBacklog backlog;
    private final MeterRegistry registry;
    private final RequestTrace trace;
    private final GroupCommit groupCommit;

    JobSubmission(JobStore store, SubmitRequestParser parser, OutboxSignal relay, TransactionTemplate transactions,
            JobsProperties limits, JobBacklog backlog, MeterRegistry registry, RequestTrace trace,
            GroupCommit groupCommit) {
        this.store = store;
        this.parser = parser;
        this.relay = relay;
        this.transactions = transactions;
        this.limits = limits;
        this.backlog = backlog;
        this.registry = registry;
        this.trace = trace;
        this.groupCommit = groupCommit;
    }

    /** The job, and whether this call created it (false: an earlier request with the same key did). */
    record Submitted(Job job, boolean created) {
    }

    Submitted submit(String tenant, JsonNode request, @Nullable String idempotencyKey) {
        List<FieldError> errors = new ArrayList<>();
        if (idempotencyKey != null && (idempotencyKey.isBlank()
                || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH)) {
            errors.add(new FieldError("Idempotency-Key", "header",
                    "must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " characters"));
        }
        Optional<NewJob> parsed = parser.parse(tenant, request, idempotencyKey, Instant.now(), trace.traceparent(),
                errors);
        if (!errors.isEmpty() || parsed.isEmpty()) {
            throw new JobExceptions.InvalidJob(errors);
        }
        NewJob job = parsed.get();
        try (JobLogContext logContext = JobLogContext.of(job.id(), job.type())) {
            return accept(job, idempotencyKey);
        }
    }

    private Submitted accept(NewJob job, @Nullable String idempotencyKey) {
        backlog.checkRoomFor(job.tenant(), 1);
        // An explicit transaction (shared with the submits arriving at the same time): if the database stops
        // answering before the commit, the client's 503 is true, since the server rolls back a transaction whose
        // connection went away without committing.
        if (idempotencyKey == null) {
            groupCommit.insert(job);
        } else if (!Boolean.TRUE.equals(transactions.execute(tx -> store.insertIfKeyIsNew(job)))) {
            JobStore.KeyedJob existing = store.findByIdempotencyKey(job.tenant(), idempotencyKey).orElseThrow();
            if (!job.requestHash().equals(existing.requestHash())) {
                throw new JobExceptions.IdempotencyConflict(existing.job().id());
            }
            return new Submitted(existing.job(), false);
        }
        relay.wakeUp();
        countSubmitted(registry, List.of(job));
        log.debug("Accepted job {} of type {}", job.id(), job.type());
        return new Submitted(asQueued(job), true);
    }

    /** A batch as accepted: its id and its jobs in request order. */
    record SubmittedBatch(UUID batchId, List<Job> jobs) {
    }

    /**
     * All or nothing: one invalid job rejects the batch, naming each bad job by its index. The batch and its jobs
     * are committed in one transaction.
     */
    SubmittedBatch submitBatch(String tenant, JsonNode request) {
        JsonNode jobs = request.get("jobs");
        List<FieldError> errors = new ArrayList<>();
        if (jobs == null || !jobs.isArray()) {
            throw new JobExceptions.InvalidJob(
                    List.of(new FieldError("/jobs", "required", "must be an array of jobs")));
        }
        if (jobs.isEmpty() || jobs.size() > limits.maxBatchSize()) {
            throw new JobExceptions.InvalidJob(List.of(new FieldError("/jobs", "size",
                    "must hold 1 to " + limits.maxBatchSize() + " jobs, not " + jobs.size())));
        }
        Instant now = Instant.now();
        String traceparent = trace.traceparent();
        List<NewJob> accepted = new ArrayList<>(jobs.size());
        UUID batchId = UUID.randomUUID();
        for (int i = 0; i < jobs.size(); i++) {
            List<FieldError> jobErrors = new ArrayList<>();
            int position = i;
            parser.parse(tenant, jobs.get(i), null, now, traceparent, jobErrors)
                    .ifPresent(job -> accepted.add(job.inBatch(batchId, position)));
            String prefix = "/jobs/" + i;
            jobErrors.forEach(e -> errors.add(e.within(prefix)));
        }
        if (!errors.isEmpty()) {
            throw new JobExceptions.InvalidJob(errors);
        }
        backlog.checkRoomFor(tenant, accepted.size());
        transactions.executeWithoutResult(tx -> {
            store.insertBatch(batchId, tenant, accepted.size(), now);
            store.insertAll(accepted);
        });
        relay.wakeUp();
        countSubmitted(registry, accepted);
        return new SubmittedBatch(batchId, accepted.stream().map(JobSubmission::asQueued).toList());
    }

    /** Counts accepted jobs, submitted or enqueued by a schedule, per type. */
    static void countSubmitted(MeterRegistry registry, List<NewJob> jobs) {
        jobs.stream().collect(Collectors.groupingBy(NewJob::type, Collectors.counting())).forEach((type, count) ->
                registry.counter(ErrandMetrics.JOBS_SUBMITTED, ErrandMetrics.TAG_TYPE, type).increment(count));
    }

    private static Job asQueued(NewJob job) {
        return new Job(job.id(), job.type(), JobStatus.QUEUED, job.payload(), null, null, null, 1, 0,
                job.maxAttempts(), job.timeout(), job.createdAt(), null, null, job.createdAt(),
                Traceparent.parse(job.traceparent()).map(Traceparent::traceId).orElse(null), job.batchId(),
                job.scheduleId(), job.scheduledFor(), null, null);
    }
}
