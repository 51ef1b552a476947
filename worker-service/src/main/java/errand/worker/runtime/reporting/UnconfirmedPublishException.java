package errand.worker.runtime.reporting;

/** Something published for a job was not confirmed by the broker in time, was nacked or was unroutable. */
public final class UnconfirmedPublishException extends Exception {

    public UnconfirmedPublishException(String message) {
        super(message);
    }
}
