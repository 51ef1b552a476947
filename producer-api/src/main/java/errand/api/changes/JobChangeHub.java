package errand.api.changes;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.springframework.stereotype.Component;

/**
 * Tells long-poll and SSE waiters that a job changed. Signals come from PostgreSQL notifications, so a change
 * applied by any API instance reaches waiters in every instance; nobody polls the database in a loop.
 */
@Component
public class JobChangeHub {

    /** The topic of the outcome stream's sequencer: job changes were staged and wait for their numbers. */
    public static final UUID EVENTS_STAGED = new UUID(0, 1);
    /** The topic of outcome streams: staged changes were numbered and can be read. */
    public static final UUID EVENTS_SEQUENCED = new UUID(0, 2);

    private final Map<UUID, Set<Subscription>> subscriptions = new ConcurrentHashMap<>();

    /**
     * Subscribes to a job, a batch or one of the event topics, before reading it, so a change between the read and
     * the wait is not missed.
     */
    public Subscription subscribe(UUID jobId) {
        Subscription subscription = new Subscription(jobId);
        subscriptions.computeIfAbsent(jobId, id -> ConcurrentHashMap.newKeySet()).add(subscription);
        return subscription;
    }

    /**
     * The long-poll: reads what {@code id} names until it is {@code done} or {@code wait} has passed, and answers the
     * last read. It re-reads only when the hub says it changed, and subscribes before the first read, so a change
     * between that read and the wait is not missed.
     */
    public <T> T awaitUntil(UUID id, Duration wait, Supplier<T> read, Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        try (Subscription subscription = subscribe(id)) {
            T current = read.get();
            while (!done.test(current)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return current;
                }
                if (subscription.awaitChange(Duration.ofNanos(left))) {
                    current = read.get();
                }
            }
            return current;
        }
    }

    void signal(UUID jobId) {
        Set<Subscription> waiting = subscriptions.get(jobId);
        if (waiting != null) {
            waiting.forEach(Subscription::signal);
        }
    }

    /** After notifications may have been missed (a lost database connection), every waiter re-reads. */
    void signalAll() {
        subscriptions.values().forEach(set -> set.forEach(Subscription::signal));
    }

    int waiters() {
        return subscriptions.values().stream().mapToInt(Set::size).sum();
    }

    /** One waiter's interest in one job. Use with try-with-resources. */
    public final class Subscription implements AutoCloseable {

        private final UUID jobId;
        private final Semaphore changes = new Semaphore(0);

        private Subscription(UUID jobId) {
            this.jobId = jobId;
        }

        private void signal() {
            if (changes.availablePermits() == 0) {
                changes.release();
            }
        }

        /** Waits until the job changed or the timeout passed; answers whether it changed. */
        public boolean awaitChange(Duration timeout) throws InterruptedException {
            boolean changed = changes.tryAcquire(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
            changes.drainPermits();
            return changed;
        }

        @Override
        public void close() {
            subscriptions.computeIfPresent(jobId, (id, set) -> {
                set.remove(this);
                return set.isEmpty() ? null : set;
            });
        }
    }
}
