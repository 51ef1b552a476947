package errand.worker.runtime.consuming;

import java.io.IOException;

/**
 * A job delivery held by a {@link JobSlot}, as its handler settles it. Used only on the attempt's thread. Once the
 * delivery's channel closed, the broker has requeued the delivery: settling it then throws, and a caller treats that
 * as "the broker will redeliver it".
 */
public interface HeldDelivery {

    /** When the delivery arrived, on the {@link System#nanoTime()} scale; the hold limit counts from here. */
    long receivedNanos();

    /** Whether the delivery's channel is still open, so the delivery is still this slot's to settle. */
    boolean isOpen();

    /**
     * Cancels the slot's consumer ({@code basic.cancel}), so acknowledging this delivery brings no new one: the slot
     * stays busy with its job and consumes again only once the job ended.
     */
    void stopConsuming() throws IOException;

    /**
     * Waits until the job may start: for a CPU type, until it holds one of the worker's cores ({@link CpuAdmission}).
     * Anything but {@link SlotGate.Start#STARTED} means the delivery goes back unstarted.
     */
    default SlotGate.Start awaitStart() throws InterruptedException {
        return SlotGate.Start.STARTED;
    }

    /** The job's own work ended (its outcome may still be reported): frees its core for the next job. */
    default void workEnded() {
    }

    void ack() throws IOException;

    /** {@code basic.reject}; with {@code requeue} false the quorum queue dead-letters the message. */
    void reject(boolean requeue) throws IOException;
}
