package errand.worker.runtime;

import java.time.Duration;
import java.util.random.RandomGenerator;

import errand.model.Topology;

/**
 * The delay before a failed job's next attempt: {@code base × 2^(attempt−1)} (1 s, 2 s, 4 s, … for a 1 s base),
 * capped at the longest retry tier (one hour), less up to {@link #JITTER} of it at random so that jobs that failed
 * together do not all come back at once. The jitter only takes time off.
 *
 * <p>The wait is held in the broker: the message goes to the tier {@link Topology#retryTierFor} picks, the shortest
 * not shorter than the backoff, with its own {@code expiration} set to the jittered delay. How long it really waits
 * there, from its enqueueing to its expiry:
 * <ul>
 *   <li>at least the delay, so at least {@code (1 − JITTER) × backoff}: the broker never expires a message early;
 *   <li>at most the tier's TTL: a queue expires messages only at its head, so a message whose expiration ran out
 *       waits for the ones ahead of it, but each of those was enqueued earlier and expires no later than its own
 *       enqueueing plus the TTL. A tier is less than twice the backoff ({@link Topology#RETRY_TIERS} are powers of
 *       two seconds, then one hour), and equal to it when the base is a power of two seconds (the default 1 s), as
 *       then every message in a tier has an expiration between {@code (1 − JITTER) × TTL} and the TTL.
 * </ul>
 * A backoff shorter than the shortest tier (1 s) waits its own delay, or at most that second. The next attempt then
 * queues behind whatever is ready in the type's job queue.
 */
public final class Backoff {

    /** The largest share of the backoff taken off at random. */
    static final double JITTER = 0.2;

    private final Duration base;
    private final RandomGenerator random;

    Backoff(Duration base, RandomGenerator random) {
        this.base = base;
        this.random = random;
    }

    /**
     * Where to park the next attempt after {@code failedAttempt} failed.
     *
     * @param tier  the delay queue, by its TTL; never shorter than {@code delay}
     * @param delay the per-message expiration: the backoff less the jitter
     */
    public record RetryPlan(Duration tier, Duration delay) {
    }

    RetryPlan after(int failedAttempt) {
        Duration longest = Topology.RETRY_TIERS.getLast();
        Duration backoff = base;
        for (int attempt = 1; attempt < failedAttempt && backoff.compareTo(longest) < 0; attempt++) {
            backoff = backoff.multipliedBy(2);
        }
        if (backoff.compareTo(longest) > 0) {
            backoff = longest;
        }
        long jitterMillis = (long) (backoff.toMillis() * JITTER * random.nextDouble());
        Duration delay = backoff.minusMillis(jitterMillis);
        return new RetryPlan(Topology.retryTierFor(backoff), delay.isPositive() ? delay : Duration.ofMillis(1));
    }
}
