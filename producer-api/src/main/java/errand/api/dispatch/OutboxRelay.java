package errand.api.dispatch;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import errand.api.ErrandMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves accepted jobs from the database to the broker. One thread per API instance: woken right after a submit
 * commits, and every {@code sweepInterval} regardless, so jobs left unpublished by a crash or a broker outage
 * (and delayed jobs coming due) are published without anyone asking. A row is marked published only after the
 * broker confirmed it; a crash between confirm and mark publishes it again, which the fence makes harmless.
 */
@Component
public class OutboxRelay implements SmartLifecycle, OutboxSignal {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final OutboxStore store;
    private final JobMessagePublisher publisher;
    private final TransactionTemplate transactions;
    private final DispatchProperties properties;
    private final Counter published;
    private final Counter failures;
    private final Semaphore wakeUps = new Semaphore(0);
    private volatile boolean running;
    private Thread thread = Thread.ofPlatform().unstarted(() -> { });

    OutboxRelay(OutboxStore store, JobMessagePublisher publisher, TransactionTemplate transactions,
            DispatchProperties properties, MeterRegistry registry) {
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
            List<UUID> confirmed = publisher.publishConfirmed(due, properties.confirmTimeout());
            store.markPublished(confirmed, Instant.now());
            published.increment(confirmed.size());
            failures.increment(due.size() - confirmed.size());
            return confirmed.size() == due.size() ? due.size() : -1;
        });
        return claimed == null ? 0 : claimed;
    }

    private void loop() {
        while (running) {
            int claimed;
            try {
                claimed = relayOnce();
            } catch (RuntimeException e) {
                log.warn("Outbox relay round failed, retrying after the sweep interval: {}", e.getMessage());
                claimed = -1;
            }
            if (claimed < properties.batchSize()) {
                awaitWakeUp(claimed < 0);
            }
        }
    }

    private void awaitWakeUp(boolean backOff) {
        try {
            if (backOff) {
                Thread.sleep(properties.sweepInterval());
            } else if (wakeUps.tryAcquire(properties.sweepInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                wakeUps.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofPlatform().name("errand-outbox-relay").daemon().start(this::loop);
    }

    @Override
    public void stop() {
        running = false;
        thread.interrupt();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
