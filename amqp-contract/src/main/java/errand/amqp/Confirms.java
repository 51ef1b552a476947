package errand.amqp;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.amqp.rabbit.connection.CorrelationData;

/**
 * Reads a publisher confirm the one way both apps count a message as sent: the broker acknowledged it and did not
 * return it as unroutable (publishes use {@code mandatory}; a return arrives before its confirm). The API awaits a
 * round of job messages this way, the worker everything it published for a job; how each collects its publishes
 * and what it does with the rest (leave in the outbox, publish again) stays theirs.
 */
public final class Confirms {

    /** What became of one publish. */
    public enum Outcome {
        /** Acknowledged and routed: sent. */
        CONFIRMED,
        /** Nacked by the broker; {@code correlation.getFuture().resultNow().reason()} says why. */
        NACKED,
        /** Acknowledged but returned unroutable; {@code correlation.getReturned()} holds the return. */
        RETURNED,
        /** No confirm before the deadline. */
        TIMED_OUT,
        /** The confirm future failed (the channel closed, say); {@code getFuture().exceptionNow()} holds why. */
        FAILED
    }

    private Confirms() {
    }

    /**
     * Waits for the confirm of {@code correlation} until {@code deadlineNanos} ({@link System#nanoTime()} scale), no
     * longer: awaiting a batch against one deadline bounds the whole batch. A confirmed publish costs no allocation.
     */
    public static Outcome await(CorrelationData correlation, long deadlineNanos) throws InterruptedException {
        CorrelationData.Confirm confirm;
        try {
            confirm = correlation.getFuture().get(Math.max(0, deadlineNanos - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
        } catch (TimeoutException ex) {
            return Outcome.TIMED_OUT;
        } catch (ExecutionException ex) {
            return Outcome.FAILED;
        }
        if (!confirm.ack()) {
            return Outcome.NACKED;
        }
        return correlation.getReturned() == null ? Outcome.CONFIRMED : Outcome.RETURNED;
    }
}
