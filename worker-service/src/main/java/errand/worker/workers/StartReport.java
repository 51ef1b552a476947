package errand.worker.workers;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When an attempt's {@code started} event is published: once the attempt has run for
 * {@code errand.worker.started-report-delay}, or at its first progress report, whichever comes first. An attempt
 * that ends sooner reports only its outcome, which tells the API that it started too: for short jobs that is one
 * message, one publisher confirm and one database update fewer per job, and no round trip to the broker before the
 * handler runs.
 *
 * <p>The outcome must not overtake the {@code started} event (they may leave on different channels), so the worker
 * calls {@link #close()} before publishing the outcome and, if it was sent, waits for its confirm first.
 *
 * <p><b>Threads:</b> the slot thread rings it as an {@link Execution.Alarm} and closes it; the handler thread may send
 * it early through a progress report.
 */
final class StartReport implements Execution.Alarm {

    private enum State { PENDING, SENT, CLOSED }

    private final Runnable publish;
    private final LongSupplier nanoTime;
    private final long dueNanos;
    private volatile State state = State.PENDING;

    /**
     * @param publish        publishes the {@code started} event
     * @param delay          how long the attempt runs before it is reported
     * @param startedAtNanos when the attempt started, on {@code nanoTime}'s scale
     * @param nanoTime       the clock, {@code System::nanoTime} outside tests
     */
    StartReport(Runnable publish, Duration delay, long startedAtNanos, LongSupplier nanoTime) {
        this.publish = publish;
        this.nanoTime = nanoTime;
        this.dueNanos = startedAtNanos + delay.toNanos();
    }

    @Override
    public long nanosUntilDue() {
        return state == State.PENDING ? dueNanos - nanoTime.getAsLong() : Long.MAX_VALUE;
    }

    @Override
    public void ring() {
        sendNow();
    }

    /** Publishes the {@code started} event unless it was sent or closed already; true if this call sent it. */
    synchronized boolean sendNow() {
        if (state != State.PENDING) {
            return false;
        }
        publish.run();
        state = State.SENT;
        return true;
    }

    /** No {@code started} event after this; true if one was sent, so the outcome must wait for its confirm. */
    synchronized boolean close() {
        boolean sent = state == State.SENT;
        state = State.CLOSED;
        return sent;
    }
}
