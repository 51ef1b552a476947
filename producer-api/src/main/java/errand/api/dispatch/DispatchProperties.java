package errand.api.dispatch;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The outbox relay.
 *
 * @param batchSize      jobs claimed and published per round
 * @param sweepInterval  how often the relay looks for unpublished jobs when nobody woke it (crash leftovers,
 *                       delayed jobs, jobs accepted while the broker was down)
 * @param confirmTimeout how long to wait for the broker's publisher confirms of a round
 */
@Validated
@ConfigurationProperties("errand.api.dispatch")
public record DispatchProperties(
        @DefaultValue("500") @Min(1) @Max(5000) int batchSize,
        @DefaultValue("PT1S") Duration sweepInterval,
        @DefaultValue("PT10S") Duration confirmTimeout) {
}
