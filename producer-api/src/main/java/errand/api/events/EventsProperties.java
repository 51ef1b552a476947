package errand.api.events;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The outcome stream's settings.
 *
 * @param retention      how long an event is kept: a client resuming from an older one is told to {@code reset}
 * @param heartbeat      how long a quiet stream waits before it sends a comment, so proxies keep it open
 * @param expiryInterval how often expired events are deleted
 * @param batchSize      events numbered, sent or deleted per round
 */
@Validated
@ConfigurationProperties("errand.api.events")
public record EventsProperties(
        @DefaultValue("PT1H") @DurationMin(seconds = 1) Duration retention,
        @DefaultValue("PT15S") @DurationMin(millis = 100) @DurationMax(minutes = 5) Duration heartbeat,
        @DefaultValue("PT10S") @DurationMin(millis = 100) Duration expiryInterval,
        @DefaultValue("1000") @Min(1) @Max(10_000) int batchSize) {
}
