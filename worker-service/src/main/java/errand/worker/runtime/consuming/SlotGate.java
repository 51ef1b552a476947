package errand.worker.runtime.consuming;

/**
 * When a task type's {@link JobSlot}s consume and when a delivery's job starts. IO types are {@link #OPEN}: every slot
 * consumes and starts at once. CPU types share the worker's cores through {@link CpuAdmission}.
 *
 * <p><b>Threads:</b> called on the slots' attempt threads; {@code wake} callbacks run on whichever thread freed the
 * room, and must only queue a signal for the parked slot.
 */
public interface SlotGate {

    /** Every slot consumes, every job starts at once. */
    SlotGate OPEN = new SlotGate() {
        @Override
        public boolean consumeOrPark(Runnable wake) {
            return true;
        }

        @Override
        public boolean awaitStart() {
            return true;
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

    /** Waits until the slot's delivery may start its job; false if the worker stops meanwhile (not started). */
    boolean awaitStart() throws InterruptedException;

    /** The job that {@link #awaitStart()} let start has done its work (leased or not). */
    void ended();
}
