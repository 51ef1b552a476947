package errand.model;

/** AMQP header names of the contract. */
public final class Headers {

    /** On job messages: the attempt number, starting at 1. */
    public static final String ATTEMPT = "x-errand-attempt";

    /** On job messages and events: the W3C trace context. */
    public static final String TRACEPARENT = "traceparent";

    /** On messages parked in {@code errand.retry}: which delay queue holds them. */
    public static final String RETRY_TIER = "x-errand-retry-tier";

    /** On messages in {@code errand.dead}: why they were dead-lettered. */
    public static final String DEAD_REASON = "x-errand-dead-reason";

    /** The content type of every message body. */
    public static final String JSON = "application/json";

    private Headers() {
    }
}
