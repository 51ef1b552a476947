package errand.worker.runtime.consuming;

/**
 * When a task type's {@link JobSlot}s consume and when a delivery's job starts. IO types are {@link #OPEN}: every slot
 * consumes and starts at once. CPU types share the worker's cores through {@link CpuAdmission}.
 *
 * <p><b>Threads:</b> called on the slots' attempt threads; {@code wake} callbacks run on whichever thread freed the
 * room, and must only queue a signal for the parked slot.
 */
public interface SlotGate {

    /** What became of a delivery waiting to start its job. */
    enum Start {
        /** The job may start. */
        STARTED,
        /** The worker is stopping: the delivery goes back unstarted. */
        STOPPING,
        /**
         * It waited the hold limit for a core, every core running (leased) jobs: it goes back unstarted, and the slot
         * parks (cancels its consumer before giving it back) until a core frees, so it is not handed the same delivery
         * again at once, and no delivery is held past the broker's consumer timeout.
         */
        HELD_TOO_LONG
    }

    /** Every slot consumes, every job starts at once. */
    SlotGate OPEN = new SlotGate() {
        @Override
        public boolean consumeOrPark(Runnable wake) {
            return true;
        }

        @Override
        public Start awaitStart(long receivedNanos, Runnable wake) {
            return Start.STARTED;
        }

        @Override
        public void ended() {
        }
    };

    /**
     * A slot with no job wants to consume: true if it may; false if it parks (takes nothing) until {@code wake} runs,
     * after which it consumes.
     */
    boolean consumeOrPark(Runnable wake);

    /**
     * Waits until the slot's delivery, received at {@code receivedNanos} ({@link System#nanoTime()}), may start its
     * job. When the answer is {@link Start#HELD_TOO_LONG} the slot parks until {@code wake} runs.
     */
    Start awaitStart(long receivedNanos, Runnable wake) throws InterruptedException;

    /** The job that {@link #awaitStart} let start has done its work (leased or not). */
    void ended();
}
