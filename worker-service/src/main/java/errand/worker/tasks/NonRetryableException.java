package errand.worker.tasks;

/**
 * Thrown by a handler when another attempt cannot help (the input is unusable, the resource is gone): the job fails
 * at once, with a non-retryable failure, whatever attempts it has left.
 */
public class NonRetryableException extends RuntimeException {

    public NonRetryableException(String message) {
        super(message);
    }

    public NonRetryableException(String message, Throwable cause) {
        super(message, cause);
    }
}
