package errand.worker.runtime.leasing;

import java.time.Duration;
import java.util.function.LongSupplier;

import errand.worker.runtime.executing.Execution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long one job delivery stays unacknowledged, and when it converts to a lease: the decision logic of the long-job
 * lease, one instance per delivery.
 *
 * <p>RabbitMQ closes a channel whose delivery stays unacknowledged past its {@code consumer_timeout} and requeues the
 * delivery, so a job running longer would run twice. A delivery is therefore held at most {@code holdLimit}, counted
 * from its arrival (the broker counts from the delivery too): then, if the attempt still runs, the hold is due and
 * {@link Conversion#convert()} turns it into a lease (see {@link Leasing}). What the conversion answers decides what
 * comes next:
 * <ul>
 *   <li>{@link Outcome#LEASED}: the delivery is acknowledged, the attempt runs under a lease; never due again;
 *   <li>{@link Outcome#NOT_CONFIRMED}: the Leased event was not confirmed, the delivery is still held; due again
 *       {@link #retryPause(Duration)} later (the hold limit, at most {@link #MAX_RETRY_PAUSE});
 *   <li>{@link Outcome#DELIVERY_LOST}: the delivery's channel closed, so the broker has requeued it already; nothing
 *       is left to convert, never due again.
 * </ul>
 *
 * <p><b>Thread:</b> the attempt's thread that holds the delivery asks {@link #nanosUntilDue()} and calls
 * {@link #ring()} while it waits for the attempt ({@link Execution#await}); {@link #state()} may be read from any
 * thread.
 */
public final class Hold implements Execution.Alarm {

    /** The longest pause before converting again after a Leased event that was not confirmed. */
    static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(30);

    /** Where the delivery stands. */
    enum State { HELD, LEASED, LOST }

    /** What an attempt to convert ended in. */
    enum Outcome { LEASED, NOT_CONFIRMED, DELIVERY_LOST }

    /** Converts the held delivery to a lease; called on the holding thread, may block. */
    @FunctionalInterface
    interface Conversion {
        Outcome convert();
    }

    private static final Logger log = LoggerFactory.getLogger(Hold.class);

    private final Conversion conversion;
    private final LongSupplier nanoTime;
    private final long retryPauseNanos;
    private volatile State state = State.HELD;
    private volatile long dueNanos;

    /**
     * @param holdLimit      how long the delivery may be held
     * @param heldSinceNanos when it arrived, on {@code nanoTime}'s scale
     * @param conversion     what converts it
     * @param nanoTime       the clock, {@code System::nanoTime} outside tests
     */
    Hold(Duration holdLimit, long heldSinceNanos, Conversion conversion, LongSupplier nanoTime) {
        this.conversion = conversion;
        this.nanoTime = nanoTime;
        this.retryPauseNanos = retryPause(holdLimit).toNanos();
        this.dueNanos = heldSinceNanos + holdLimit.toNanos();
    }

    /** The pause before converting again after a failed conversion: the hold limit, at most 30 seconds. */
    static Duration retryPause(Duration holdLimit) {
        return holdLimit.compareTo(MAX_RETRY_PAUSE) < 0 ? holdLimit : MAX_RETRY_PAUSE;
    }

    @Override
    public long nanosUntilDue() {
        return state == State.HELD ? dueNanos - nanoTime.getAsLong() : Long.MAX_VALUE;
    }

    /** Converts the delivery if it is held and due; otherwise does nothing. */
    @Override
    public void ring() {
        if (nanosUntilDue() > 0) {
            return;
        }
        Outcome outcome;
        try {
            outcome = conversion.convert();
        } catch (RuntimeException ex) {
            log.error("Converting a held delivery to a lease failed unexpectedly; it stays held", ex);
            outcome = Outcome.NOT_CONFIRMED;
        }
        switch (outcome) {
            case LEASED -> state = State.LEASED;
            case DELIVERY_LOST -> state = State.LOST;
            case NOT_CONFIRMED -> dueNanos = nanoTime.getAsLong() + retryPauseNanos;
        }
    }

    State state() {
        return state;
    }

    /** True once the delivery was acknowledged and the attempt runs under a lease. */
    public boolean leased() {
        return state == State.LEASED;
    }
}
