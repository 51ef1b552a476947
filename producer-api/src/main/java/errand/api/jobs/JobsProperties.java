package errand.api.jobs;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of the jobs API, and its chores.
 *
 * @param maxBatchSize    jobs in one batch submit
 * @param maxRequestSize  a request body larger than this is refused with 413
 * @param maxAttempts     the highest {@code maxAttempts} a job may ask for
 * @param maxTimeout      the longest {@code timeout} a job may ask for
 * @param maxDelay        the longest {@code delay} a job may ask for
 * @param maxWait         the longest long-poll {@code wait}
 * @param maxPageSize     jobs in one page of the list
 * @param maxQueued       jobs not yet terminal beyond which submits get 429
 * @param backlogCountInterval       how often the jobs not yet terminal are counted (for the 429 and the backlog
 *                                   gauges)
 * @param cancelRebroadcastInterval  how often the cancel of a cancelled job whose attempt has not reported stopping
 *                                   is broadcast again
 * @param cancelRebroadcastWindow    how long after a cancel it is broadcast again at most
 */
@Validated
@ConfigurationProperties("errand.api.jobs")
public record JobsProperties(
        @DefaultValue("1000") @Min(1) @Max(10_000) int maxBatchSize,
        @DefaultValue("4MB") DataSize maxRequestSize,
        @DefaultValue("100") @Min(1) int maxAttempts,
        @DefaultValue("PT24H") Duration maxTimeout,
        @DefaultValue("P30D") Duration maxDelay,
        @DefaultValue("PT60S") Duration maxWait,
        @DefaultValue("500") @Min(1) int maxPageSize,
        @DefaultValue("1000000") @Min(1) long maxQueued,
        @DefaultValue("PT2S") Duration backlogCountInterval,
        @DefaultValue("PT3S") Duration cancelRebroadcastInterval,
        @DefaultValue("PT5M") Duration cancelRebroadcastWindow) {
}
