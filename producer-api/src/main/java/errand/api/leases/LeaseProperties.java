package errand.api.leases;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The lease rescuer.
 *
 * @param sweepInterval   how often lapsed leases are looked for
 * @param renewIntervals  a heartbeat renews a lease for this many of the worker's heartbeat intervals
 * @param batchSize       lapsed leases rescued per sweep at most
 */
@Validated
@ConfigurationProperties("errand.api.leases")
public record LeaseProperties(
        @DefaultValue("PT1S") Duration sweepInterval,
        @DefaultValue("3") @Min(2) int renewIntervals,
        @DefaultValue("500") @Min(1) int batchSize) {
}
