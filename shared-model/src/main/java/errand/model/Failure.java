package errand.model;

/**
 * Why an attempt failed, as data: crosses the wire as a type string and a message, never as an exception class.
 *
 * @param type      a stable name for the kind of failure, such as the exception's simple name or {@code timeout}
 * @param message   a human-readable explanation
 * @param retryable false when another attempt cannot help (bad input, a non-retryable exception)
 */
public record Failure(String type, String message, boolean retryable) {

    /** The type of the failure a worker reports for an attempt it stopped because its job was cancelled. */
    public static final String CANCELLED = "cancelled";

    public static Failure of(Throwable error, boolean retryable) {
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        return new Failure(error.getClass().getSimpleName(), message, retryable);
    }
}
