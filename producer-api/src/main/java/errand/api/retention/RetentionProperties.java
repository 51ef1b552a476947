package errand.api.retention;

import java.time.Duration;
import java.util.Map;

import errand.model.JobStatus;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long terminal jobs are kept, per status, and how they are deleted.
 *
 * @param succeeded how long a SUCCEEDED job is kept after it finished
 * @param failed    how long a FAILED job is kept after it finished
 * @param cancelled how long a CANCELLED job is kept after it finished
 * @param interval  how often a deletion pass runs
 * @param batchSize jobs deleted per transaction: small, so no lock is held for long
 */
@Validated
@ConfigurationProperties("errand.api.retention")
public record RetentionProperties(
        @DefaultValue("P7D") @DurationMin(seconds = 1) Duration succeeded,
        @DefaultValue("P30D") @DurationMin(seconds = 1) Duration failed,
        @DefaultValue("P30D") @DurationMin(seconds = 1) Duration cancelled,
        @DefaultValue("PT30S") @DurationMin(millis = 100) Duration interval,
        @DefaultValue("500") @Min(1) @Max(10_000) int batchSize) {

    /** The retention of each terminal status. */
    Map<JobStatus, Duration> byStatus() {
        return Map.of(JobStatus.SUCCEEDED, succeeded, JobStatus.FAILED, failed, JobStatus.CANCELLED, cancelled);
    }
}
