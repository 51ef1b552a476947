package errand.api.dispatch;

/** Tells the outbox relay that unpublished jobs are waiting, so it need not wait for its next sweep. */
@FunctionalInterface
public interface OutboxSignal {

    /** Cheap; never blocks. */
    void wakeUp();
}
