package errand.api.results;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The reply-queue consumer.
 *
 * @param batchSize   events applied per database transaction at most
 * @param batchWait   how long to wait for more events before applying a partial batch
 * @param consumers   concurrent consumers on the reply queue in this instance
 * @param retryDelay  the longest pause between attempts to apply a batch while the database is unavailable
 */
@Validated
@ConfigurationProperties("errand.api.results")
public record ResultsProperties(
        @DefaultValue("250") @Min(1) @Max(5000) int batchSize,
        @DefaultValue("PT0.005S") Duration batchWait,
        @DefaultValue("2") @Min(1) int consumers,
        @DefaultValue("PT5S") Duration retryDelay) {
}
