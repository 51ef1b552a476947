package errand.api.workflows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import errand.api.changes.JobChangeHub;
import errand.api.dispatch.ControlPublisher;
import errand.api.dispatch.OutboxSignal;
import errand.api.jobs.JobsProperties;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Submitting, reading, waiting on and cancelling one tenant's workflows. Another tenant's workflow is not found,
 * as an unknown one is.
 */
@Service
class Workflows {

    private final WorkflowStore store;
    private final TransactionTemplate transactions;
    private final OutboxSignal outbox;
    private final ControlPublisher control;
    private final JobChangeHub changes;
    private final JobsProperties limits;

    Workflows(WorkflowStore store, TransactionTemplate transactions, OutboxSignal outbox, ControlPublisher control,
            JobChangeHub changes, JobsProperties limits) {
        this.store = store;
        this.transactions = transactions;
        this.outbox = outbox;
        this.control = control;
        this.changes = changes;
        this.limits = limits;
    }

    /** Stores the workflow and creates the jobs of its first steps, in one transaction. */
    WorkflowView submit(String tenant, WorkflowDefinition workflow) {
        UUID id = UUID.randomUUID();
        int maxPayloadBytes = (int) Math.min(Integer.MAX_VALUE, limits.maxRequestSize().toBytes());
        transactions.executeWithoutResult(tx -> store.create(tenant, id, workflow, maxPayloadBytes, Instant.now()));
        outbox.wakeUp();
        return view(tenant, id);
    }

    WorkflowView view(String tenant, UUID id) {
        return store.find(tenant, id).orElseThrow(() -> new WorkflowNotFound(id.toString()));
    }

    List<WorkflowView.Summary> page(String tenant, int limit, @Nullable UUID after) {
        return store.page(tenant, limit, after);
    }

    /** The workflow once it has ended, or as it is when {@code wait} has passed. */
    WorkflowView awaitFinished(String tenant, UUID id, Duration wait) throws InterruptedException {
        return changes.awaitUntil(id, wait, () -> view(tenant, id), WorkflowView::finished);
    }

    /** Cancels every unfinished step, telling workers to stop the running ones, and ends the workflow CANCELLED. */
    WorkflowView cancel(String tenant, UUID id) {
        view(tenant, id);
        List<WorkflowStore.RunningAttempt> running = transactions.execute(tx -> {
            List<WorkflowStore.RunningAttempt> attempts = store.runningAttempts(id);
            if (!store.cancel(tenant, id)) {
                throw new WorkflowFinished(id);
            }
            return attempts;
        });
        if (running != null) {
            running.forEach(attempt -> control.broadcastCancel(attempt.jobId(), attempt.attempt()));
        }
        return view(tenant, id);
    }

    /** 404: no such workflow in the caller's tenant. */
    static final class WorkflowNotFound extends RuntimeException {

        WorkflowNotFound(String id) {
            super("No workflow " + id);
        }
    }

    /** 409: the workflow has already ended. */
    static final class WorkflowFinished extends RuntimeException {

        WorkflowFinished(UUID id) {
            super("Workflow " + id + " has already ended and can no longer be cancelled");
        }
    }
}
