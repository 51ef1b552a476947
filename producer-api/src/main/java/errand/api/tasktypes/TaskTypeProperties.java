package errand.api.tasktypes;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the API judges workers from their heartbeats.
 *
 * @param missedHeartbeats a worker silent for this many of its intervals is gone
 * @param forgetGoneAfter  a gone worker is listed (as gone) this long, then forgotten
 */
@Validated
@ConfigurationProperties("errand.api.workers")
public record TaskTypeProperties(
        @DefaultValue("3") @Min(1) int missedHeartbeats,
        @DefaultValue("PT10M") Duration forgetGoneAfter) {
}
