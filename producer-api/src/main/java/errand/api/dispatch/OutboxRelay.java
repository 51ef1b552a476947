package errand.api.dispatch;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import errand.api.BackgroundLoop;
import errand.api.ErrandMetrics;
import errand.model.JobMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves accepted jobs from the database to the broker. One thread per API instance: woken right after a submit
 * commits, and every {@code sweepInterval} regardless, so jobs left unpublished by a crash or a broker outage
 * (and delayed jobs coming due) are published without anyone asking. A row is marked published only after the
 * broker confirmed it; a crash between confirm and mark publishes it again, which the fence makes harmless.
 */
@Component
public class OutboxRelay extends BackgroundLoop implements OutboxSignal {

    private final OutboxStore store;
    private final JobMessagePublisher publisher;
    private final TransactionTemplate transactions;
    private final DispatchProperties properties;
    private final Counter published;
    private final Counter failures;
    private final Semaphore wakeUps = new Semaphore(0);

    OutboxRelay(OutboxStore store, JobMessagePublisher publisher, TransactionTemplate transactions,
            DispatchProperties properties, MeterRegistry registry) {
        // a failed round (the database unavailable, say) is retried after the sweep interval
        super("errand-outbox-relay", Threads.PLATFORM, properties.sweepInterval());
        this.published = registry.counter(ErrandMetrics.OUTBOX_PUBLISHED);
        this.failures = registry.counter(ErrandMetrics.OUTBOX_PUBLISH_FAILURES);
        this.store = store;
        this.publisher = publisher;
        this.transactions = transactions;
        this.properties = properties;
    }

    @Override
    public void wakeUp() {
        if (wakeUps.availablePermits() == 0) {
            wakeUps.release();
        }
    }

    /** Publishes one round of due jobs; answers how many were claimed. */
    int relayOnce() {
        Integer claimed = transactions.execute(tx -> {
            Instant now = Instant.now();
            List<OutboxStore.OutboxEntry> due = store.claimDue(properties.batchSize(), now);
            if (due.isEmpty()) {
                return 0;
            }
            Set<UUID> confirmedIds = Set.copyOf(publisher.publishConfirmed(due, properties.confirmTimeout()));
            List<JobMessage> confirmed = due.stream().map(OutboxStore.OutboxEntry::message)
                    .filter(job -> confirmedIds.contains(job.jobId())).toList();
            store.markPublished(confirmed);
            published.increment(confirmed.size());
            failures.increment(due.size() - confirmed.size());
            return confirmed.size() == due.size() ? due.size() : -1;
        });
        return claimed == null ? 0 : claimed;
    }

    /**
     * One round, then a wait: none after a full round, the sweep interval after a failed publish. A round that claimed
     * nothing is the moment to prune the due rows no round will claim: there are few or none of them then.
     */
    @Override
    protected boolean runOnce() throws InterruptedException {
        int claimed = relayOnce();
        if (claimed == 0) {
            store.pruneUnclaimable();
        }
        if (claimed < 0) {
            Thread.sleep(properties.sweepInterval());
        } else if (claimed < properties.batchSize()
                && wakeUps.tryAcquire(properties.sweepInterval().toMillis(), TimeUnit.MILLISECONDS)) {
            wakeUps.drainPermits();
        }
        return true;
    }
}
