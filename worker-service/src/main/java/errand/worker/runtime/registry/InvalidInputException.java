package errand.worker.runtime.registry;

/** A job payload that cannot become its handler's input: it fails the job at once, naming the offending field. */
public final class InvalidInputException extends Exception {

    InvalidInputException(String message) {
        super(message);
    }
}
