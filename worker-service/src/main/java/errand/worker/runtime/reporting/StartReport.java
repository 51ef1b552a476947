package errand.worker.runtime.reporting;

import java.time.Duration;
import java.util.function.LongSupplier;

import errand.worker.runtime.executing.Execution;
import org.jspecify.annotations.Nullable;

/**
 * When an attempt's {@code started} event is published: once the attempt has run for
 * {@code errand.worker.started-report-delay}. An attempt that ends sooner reports only its outcome, which tells the
 * API that it started too: for short jobs that is one message, one publisher confirm and one database update fewer
 * per job, and no round trip to the broker before the handler runs.
 *
 * <p>Progress reported before then is held, the latest only ({@link #holdUnlessDue}): it goes out right after the
 * {@code started} event when that is due, and is dropped if the attempt ends first, since its outcome says more. A
 * {@code prime-count} of a few milliseconds reported progress at once, which sent its {@code started} event early:
 * three events per job instead of one.
 *
 * <p>The outcome must not overtake the {@code started} event (they may leave on different channels), so the worker
 * calls {@link #close()} before publishing the outcome and, if it was sent, waits for its confirm first.
 *
 * <p><b>Threads:</b> the attempt's thread rings it as an {@link Execution.Alarm} and closes it, and publishes held
 * progress when it rings, on the same channel as the {@code started} event, so in order; the handler thread holds
 * progress, or sends the {@code started} event itself ({@link #sendNow}) if its progress comes when the report is due
 * already.
 */
public final class StartReport implements Execution.Alarm {

    private enum State { PENDING, SENT, CLOSED }

    private final Runnable publish;
    private final LongSupplier nanoTime;
    private final long dueNanos;
    private volatile State state = State.PENDING;
    private @Nullable Runnable heldProgress;

    /**
     * @param publish        publishes the {@code started} event
     * @param delay          how long the attempt runs before it is reported
     * @param startedAtNanos when the attempt started, on {@code nanoTime}'s scale
     * @param nanoTime       the clock, {@code System::nanoTime} outside tests
     */
    public StartReport(Runnable publish, Duration delay, long startedAtNanos, LongSupplier nanoTime) {
        this.publish = publish;
        this.nanoTime = nanoTime;
        this.dueNanos = startedAtNanos + delay.toNanos();
    }

    @Override
    public long nanosUntilDue() {
        return state == State.PENDING ? dueNanos - nanoTime.getAsLong() : Long.MAX_VALUE;
    }

    /** Publishes the {@code started} event, then the progress held meanwhile, if any. */
    @Override
    public synchronized void ring() {
        Runnable progress = heldProgress;
        if (sendNow() && progress != null) {
            progress.run();
        }
    }

    /**
     * Holds {@code publishProgress} in place of any progress held before, if the {@code started} event is not due
     * yet; true if it did. False once it is due, sent or closed: the caller publishes its progress itself (after
     * {@link #sendNow}), or drops it.
     */
    public synchronized boolean holdUnlessDue(Runnable publishProgress) {
        if (nanosUntilDue() <= 0 || state != State.PENDING) {
            return false;
        }
        heldProgress = publishProgress;
        return true;
    }

    /**
     * Publishes the {@code started} event unless it was sent or closed already; true if this call sent it. Progress
     * held until now is dropped: the caller is about to report newer progress.
     */
    public synchronized boolean sendNow() {
        if (state != State.PENDING) {
            return false;
        }
        heldProgress = null;
        publish.run();
        state = State.SENT;
        return true;
    }

    /**
     * No {@code started} event after this, and no held progress; true if one was sent, so the outcome must wait for
     * its confirm.
     */
    public synchronized boolean close() {
        boolean sent = state == State.SENT;
        state = State.CLOSED;
        heldProgress = null;
        return sent;
    }
}
