package errand.api.stats;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The maintained counts.
 *
 * @param foldInterval how often the triggers' deltas are folded into the counts (reads are exact either way; folding
 *                     keeps the deltas few)
 */
@Validated
@ConfigurationProperties("errand.api.stats")
public record StatsProperties(@DefaultValue("PT1S") Duration foldInterval) {
}
