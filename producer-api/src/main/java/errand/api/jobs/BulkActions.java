package errand.api.jobs;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import errand.api.FieldError;
import errand.api.dispatch.OutboxSignal;
import errand.api.security.Caller;
import errand.model.JobStatus;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Retry or cancel every job of the caller's tenant that a {@link BulkFilter} matches. The jobs are walked oldest
 * first in chunks, each its own short statement, so a hundred thousand matches hold no long transaction and no
 * lock for long. The walk's cursor only moves forward and stops at {@code createdBefore}: a job that fails again
 * while a retry-all runs is behind the cursor and is not retried a second time, so the action ends. Each change is
 * conditional on the job's status, so running an action twice changes nothing the second time.
 */
@Service
class BulkActions {

    private static final Logger log = LoggerFactory.getLogger(BulkActions.class);

    /** Jobs per chunk: one select and one update each. */
    static final int CHUNK = 500;

    private static final Set<JobStatus> RETRYABLE = EnumSet.of(JobStatus.FAILED, JobStatus.CANCELLED);
    private static final Set<JobStatus> CANCELLABLE = EnumSet.of(JobStatus.QUEUED, JobStatus.RUNNING,
            JobStatus.RETRYING);

    private final JobStore store;
    private final JobService jobs;
    private final OutboxSignal relay;

    BulkActions(JobStore store, JobService jobs, OutboxSignal relay) {
        this.store = store;
        this.jobs = jobs;
        this.relay = relay;
    }

    /** How many jobs the filter matched, and how many of them this call changed. */
    record Outcome(long matched, long changed) {
    }

    /** Replays the matching FAILED jobs (or CANCELLED ones, when the filter names that status). */
    Outcome retry(Caller caller, BulkFilter filter) {
        Set<JobStatus> statuses = statuses(filter, RETRYABLE, EnumSet.of(JobStatus.FAILED), "retried");
        Outcome outcome = walk(caller.tenant(), filter, statuses, ids -> {
            List<Job> retried = store.retryAll(caller.tenant(), ids, statuses, Instant.now());
            if (!retried.isEmpty()) {
                relay.wakeUp();
            }
            return retried.size();
        });
        log.info("Bulk retry by key {} ({}), {}: matched {}, retried {}", caller.keyId(), caller.keyName(), filter,
                outcome.matched(), outcome.changed());
        return outcome;
    }

    /** Cancels the matching unfinished jobs; their workers are told to stop the running ones. */
    Outcome cancel(Caller caller, BulkFilter filter) {
        Set<JobStatus> statuses = statuses(filter, CANCELLABLE, CANCELLABLE, "cancelled");
        Outcome outcome = walk(caller.tenant(), filter, statuses, ids -> {
            List<Job> cancelled = store.cancelAll(caller.tenant(), ids, statuses, Instant.now());
            cancelled.forEach(jobs::announceCancelled);
            return cancelled.size();
        });
        log.info("Bulk cancel by key {} ({}), {}: matched {}, cancelled {}", caller.keyId(), caller.keyName(), filter,
                outcome.matched(), outcome.changed());
        return outcome;
    }

    private Outcome walk(String tenant, BulkFilter filter, Set<JobStatus> statuses, Chunk action) {
        long matched = 0;
        long changed = 0;
        JobStore.Position from = null;
        while (true) {
            List<JobStore.Position> chunk = store.matching(tenant, filter, statuses, from, CHUNK);
            if (chunk.isEmpty()) {
                return new Outcome(matched, changed);
            }
            matched += chunk.size();
            changed += action.apply(chunk.stream().map(JobStore.Position::id).toList());
            if (chunk.size() < CHUNK) {
                return new Outcome(matched, changed);
            }
            from = chunk.getLast();
        }
    }

    private static Set<JobStatus> statuses(BulkFilter filter, Set<JobStatus> allowed, Set<JobStatus> otherwise,
            String verb) {
        @Nullable JobStatus status = filter.status();
        if (status == null) {
            return otherwise;
        }
        if (!allowed.contains(status)) {
            throw new JobExceptions.InvalidJob(List.of(new FieldError("/status", "action",
                    status + " jobs cannot be " + verb + "; use one of " + allowed)));
        }
        return EnumSet.of(status);
    }

    @FunctionalInterface
    private interface Chunk {
        int apply(List<UUID> ids);
    }
}
