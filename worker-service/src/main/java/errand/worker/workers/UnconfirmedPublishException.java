package errand.worker.workers;

/** Something published for a job was not confirmed by the broker in time, was nacked or was unroutable. */
final class UnconfirmedPublishException extends Exception {

    UnconfirmedPublishException(String message) {
        super(message);
    }
}
