package errand.api.retention;

import java.time.Duration;
import java.util.Map;

import errand.model.JobStatus;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
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
 * @param workShare the most of a pass's time spent deleting: after a full batch it rests for the rest, so a backlog
 *                  drains beside the traffic without taking a database core from it (1: no rest)
 */
@Validated
@ConfigurationProperties("errand.api.retention")
public record RetentionProperties(
        @DefaultValue("P7D") @DurationMin(seconds = 1) Duration succeeded,
        @DefaultValue("P30D") @DurationMin(seconds = 1) Duration failed,
        @DefaultValue("P30D") @DurationMin(seconds = 1) Duration cancelled,
        @DefaultValue("PT30S") @DurationMin(millis = 100) Duration interval,
        @DefaultValue("500") @Min(1) @Max(10_000) int batchSize,
        @DefaultValue("0.1") @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") double workShare) {

    /** How a pass paces its batches. */
    RetentionPace pace() {
        return new RetentionPace(workShare);
    }

    /** The retention of each terminal status. */
    Map<JobStatus, Duration> byStatus() {
        return Map.of(JobStatus.SUCCEEDED, succeeded, JobStatus.FAILED, failed, JobStatus.CANCELLED, cancelled);
    }
}
