package errand.api.jobs;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of the jobs API.
 *
 * @param maxBatchSize    jobs in one batch submit
 * @param maxRequestSize  a request body larger than this is refused with 413
 * @param maxAttempts     the highest {@code maxAttempts} a job may ask for
 * @param maxTimeout      the longest {@code timeout} a job may ask for
 * @param maxDelay        the longest {@code delay} a job may ask for
 * @param maxWait         the longest long-poll {@code wait}
 * @param maxPageSize     jobs in one page of the list
 * @param maxQueued       jobs not yet terminal beyond which submits get 429
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
        @DefaultValue("1000000") @Min(1) long maxQueued) {
}
