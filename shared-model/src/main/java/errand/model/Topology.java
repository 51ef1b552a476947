package errand.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The RabbitMQ names and queue arguments of the contract. The API and the workers both declare what they use, so
 * the arguments must be the same on both sides: they are defined only here.
 */
public final class Topology {

    /** Direct exchange; routing key = task type. */
    public static final String JOBS_EXCHANGE = "errand.jobs";

    /** Headers exchange routing on {@link Headers#RETRY_TIER} to the delay queues. */
    public static final String RETRY_EXCHANGE = "errand.retry";

    /** Poison messages and exhausted jobs, with the reason. */
    public static final String DEAD_EXCHANGE = "errand.dead";
    public static final String DEAD_QUEUE = "errand.dead";

    /** A second queue on {@link #DEAD_EXCHANGE}: the API fails the jobs of dead-lettered messages from it. */
    public static final String DEAD_NOTICES_QUEUE = "errand.dead.notices";

    /** Workers publish job events here; API instances consume the queue competitively. */
    public static final String RESULTS_EXCHANGE = "errand.results";
    public static final String RESULTS_QUEUE = "errand.results";

    /** Fanout of {@link ControlCommand}s, one exclusive queue per worker. */
    public static final String CONTROL_EXCHANGE = "errand.control";

    /** Fanout of {@link WorkerHeartbeat}s, one exclusive queue per API instance. */
    public static final String HEARTBEATS_EXCHANGE = "errand.heartbeats";

    /** The name of a worker's own control queue starts so, then a random part. */
    public static final String CONTROL_QUEUE_PREFIX = CONTROL_EXCHANGE + ".";

    /** The name of an API instance's own heartbeat queue starts so, then a random part. */
    public static final String HEARTBEAT_QUEUE_PREFIX = HEARTBEATS_EXCHANGE + ".";

    /** How many times the broker delivers one job message before dead-lettering it (a job that kills its worker). */
    public static final int DELIVERY_LIMIT = 5;

    /**
     * The delay queues of the retry backoff, shortest first: powers of two seconds from 1 s to 2048 s, then one hour,
     * the longest backoff. A doubling backoff from a power-of-two base lands exactly on a tier, and any backoff from
     * 1 s to an hour has a tier less than twice as long (see {@link #retryTierFor}).
     */
    public static final List<Duration> RETRY_TIERS = List.of(
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
            Duration.ofSeconds(16), Duration.ofSeconds(32), Duration.ofSeconds(64), Duration.ofSeconds(128),
            Duration.ofSeconds(256), Duration.ofSeconds(512), Duration.ofSeconds(1024), Duration.ofSeconds(2048),
            Duration.ofHours(1));

    private Topology() {
    }

    public static String jobQueue(String taskType) {
        return JOBS_EXCHANGE + "." + taskType;
    }

    public static String retryTierName(Duration delay) {
        return delay.getSeconds() + "s";
    }

    public static String retryQueue(Duration tier) {
        return RETRY_EXCHANGE + "." + retryTierName(tier);
    }

    /**
     * The shortest tier not shorter than {@code delay}, or the longest tier for a longer delay. A retry message's own
     * {@code expiration} (at most {@code delay}) then sets its wait; the tier's TTL bounds it: a queue expires
     * messages only at its head, so a message may wait for the ones ahead of it, but each of those was enqueued
     * earlier with an expiration no longer than the TTL.
     */
    public static Duration retryTierFor(Duration delay) {
        for (Duration tier : RETRY_TIERS) {
            if (tier.compareTo(delay) >= 0) {
                return tier;
            }
        }
        return RETRY_TIERS.getLast();
    }

    /** A per-type work queue: quorum, delivery limit, at-least-once dead-lettering to {@link #DEAD_EXCHANGE}. */
    public static Map<String, Object> jobQueueArguments() {
        return Map.of(
                "x-queue-type", "quorum",
                "x-delivery-limit", DELIVERY_LIMIT,
                "x-dead-letter-exchange", DEAD_EXCHANGE,
                "x-dead-letter-strategy", "at-least-once",
                "x-overflow", "reject-publish");
    }

    /** A delay queue: messages expire after the tier and dead-letter back to the work exchange, keeping their key. */
    public static Map<String, Object> retryQueueArguments(Duration tier) {
        return Map.of(
                "x-queue-type", "quorum",
                "x-message-ttl", tier.toMillis(),
                "x-dead-letter-exchange", JOBS_EXCHANGE,
                "x-dead-letter-strategy", "at-least-once",
                "x-overflow", "reject-publish");
    }

    /**
     * The arguments binding a tier's delay queue to {@link #RETRY_EXCHANGE}: {@code x-match=all} on
     * {@link Headers#RETRY_TIER_ROUTE} (the {@link Headers#RETRY_TIER} entry is informative; the exchange ignores
     * {@code x-} arguments when matching).
     */
    public static Map<String, Object> retryBindingArguments(Duration tier) {
        return Map.of(
                "x-match", "all",
                Headers.RETRY_TIER, retryTierName(tier),
                Headers.RETRY_TIER_ROUTE, retryTierName(tier));
    }

    public static Map<String, Object> resultsQueueArguments() {
        return Map.of("x-queue-type", "quorum");
    }

    public static Map<String, Object> deadQueueArguments() {
        return Map.of("x-queue-type", "quorum");
    }
}
