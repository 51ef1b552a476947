package errand.worker.runtime;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import errand.worker.runtime.leasing.Hold;
import errand.worker.runtime.reporting.EventSets;
import errand.worker.runtime.reporting.StartReport;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The worker's settings, under {@code errand.worker}.
 *
 * @param id                how this worker names itself in events and heartbeats; default
 *                          {@code <hostname>-<pid>-<random>}
 * @param taskTypes         the task types to serve; empty serves every registered handler
 * @param concurrency       per task type, how many of its jobs run at once, overriding the type's default
 * @param heartbeatInterval how often to announce this worker on {@code errand.heartbeats}
 * @param retryBaseDelay    the backoff before the second attempt of a type whose {@code @Task} sets no
 *                          {@code retryBackoff}; it doubles with every further attempt
 * @param confirmTimeout    how long to wait for the broker to confirm what was published for a job before giving the
 *                          delivery back (requeue)
 * @param shutdownGrace     how long a graceful shutdown waits for running jobs (leased ones included) before
 *                          interrupting them and giving their deliveries back
 * @param holdLimit         how long a job's delivery may stay unacknowledged; a job still running then converts to a
 *                          lease (see {@link Hold}). Keep it well under the broker's {@code consumer_timeout} (30 min
 *                          by default), which closes a channel holding a delivery longer and requeues it
 * @param startedReportDelay how long an attempt runs before the worker reports that it started; one that ends sooner
 *                          reports only its outcome (see {@link StartReport}); zero reports every start, confirmed
 *                          before the handler runs
 * @param cores             how many CPU-kind jobs run at once, all CPU types together; 0 (the default) means the
 *                          machine's available processors
 * @param quickPrefetch     how many deliveries each slot of a quick type ({@code @Task(quick = true)}) holds: the
 *                          one it runs and the next ones, so a slot starts its next job while the last one's outcome
 *                          waits for the broker's confirm
 * @param eventsPerMessage  at most how many outcomes that are ready together go out as one message on
 *                          {@code errand.results} (see {@link EventSets}); 1 sends each on its own
 */
@Validated
@ConfigurationProperties("errand.worker")
public record WorkerProperties(
        @Nullable String id,
        @DefaultValue List<String> taskTypes,
        @DefaultValue Map<String, @NotNull @Positive Integer> concurrency,
        @DefaultValue("5s") @NotNull Duration heartbeatInterval,
        @DefaultValue("1s") @NotNull Duration retryBaseDelay,
        @DefaultValue("30s") @NotNull Duration confirmTimeout,
        @DefaultValue("30s") @NotNull Duration shutdownGrace,
        @DefaultValue("15m") @NotNull Duration holdLimit,
        @DefaultValue("100ms") @NotNull Duration startedReportDelay,
        @DefaultValue("0") @PositiveOrZero int cores,
        @DefaultValue("4") @Positive int quickPrefetch,
        @DefaultValue("100") @Positive int eventsPerMessage) {

    public WorkerProperties {
        if (id == null || id.isBlank()) {
            id = defaultId();
        }
        taskTypes = List.copyOf(taskTypes);
        concurrency = Map.copyOf(concurrency);
        requirePositive("heartbeat-interval", heartbeatInterval);
        requirePositive("retry-base-delay", retryBaseDelay);
        requirePositive("confirm-timeout", confirmTimeout);
        requirePositive("hold-limit", holdLimit);
        if (startedReportDelay.isNegative()) {
            throw new IllegalArgumentException("errand.worker.started-report-delay must not be negative");
        }
        if (cores < 0) {
            throw new IllegalArgumentException("errand.worker.cores must not be negative, was " + cores);
        }
        if (cores == 0) {
            cores = Runtime.getRuntime().availableProcessors();
        }
        if (quickPrefetch < 1) {
            throw new IllegalArgumentException("errand.worker.quick-prefetch must be at least 1, was " + quickPrefetch);
        }
        if (eventsPerMessage < 1) {
            throw new IllegalArgumentException(
                    "errand.worker.events-per-message must be at least 1, was " + eventsPerMessage);
        }
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("errand.worker.shutdown-grace must not be negative");
        }
    }

    /** The id, never blank once constructed. */
    @Override
    public String id() {
        return Objects.requireNonNull(id);
    }

    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException ex) {
            String fromEnvironment = System.getenv("HOSTNAME");
            return fromEnvironment == null || fromEnvironment.isBlank() ? "localhost" : fromEnvironment;
        }
    }

    private static String defaultId() {
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        return hostName() + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("errand.worker." + name + " must be positive, was " + value);
        }
    }
}
