package errand.api.schedules;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How schedules fire.
 *
 * @param pollInterval   how often each API instance looks for due schedules: a schedule fires this late at most on
 *                       an idle platform
 * @param claimBatchSize due schedules fired in one transaction
 * @param missedAfter    when no instance swept the schedules for this long, the fire times older than this passed
 *                       while none ran: they count as missed (a fire time only late, the instances busy, fires)
 * @param catchUpWindow  how old the latest missed fire time may be and still fire, for {@code missed: LATEST}
 * @param runRetention   how long the record of a fire time is kept
 */
@Validated
@ConfigurationProperties("errand.api.schedules")
public record SchedulesProperties(
        @DefaultValue("PT0.25S") @DurationMin(millis = 10) Duration pollInterval,
        @DefaultValue("500") @Min(1) @Max(10_000) int claimBatchSize,
        @DefaultValue("PT10S") @DurationMin(millis = 100) Duration missedAfter,
        @DefaultValue("PT1H") @DurationMin(seconds = 0) Duration catchUpWindow,
        @DefaultValue("P30D") @DurationMin(minutes = 1) Duration runRetention) {

    FirePlan.Lateness lateness() {
        return new FirePlan.Lateness(missedAfter, catchUpWindow);
    }
}
