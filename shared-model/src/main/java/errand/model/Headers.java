package errand.model;

/** AMQP header names of the contract. */
public final class Headers {

    /** On job messages: the attempt number, starting at 1. */
    public static final String ATTEMPT = "x-errand-attempt";

    /** On job messages and events: the W3C trace context. */
    public static final String TRACEPARENT = "traceparent";

    /** On messages parked in {@code errand.retry}: which delay queue holds them. */
    public static final String RETRY_TIER = "x-errand-retry-tier";

    /**
     * On messages parked in {@code errand.retry}: the same tier name as {@link #RETRY_TIER}, under a name the headers
     * exchange routes on. RabbitMQ's headers exchange ignores every binding argument starting with {@code x-} when
     * matching, so a binding on {@link #RETRY_TIER} alone matches every message and parks it in every tier. Set both.
     */
    public static final String RETRY_TIER_ROUTE = "errand-retry-tier";

    /** On messages in {@code errand.dead}: why they were dead-lettered. */
    public static final String DEAD_REASON = "x-errand-dead-reason";

    /** The content type of every message body. */
    public static final String JSON = "application/json";

    private Headers() {
    }
}
