package errand.api.stats;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

import errand.api.security.Caller;
import errand.model.JobStatus;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/stats}: the tenant's jobs per status and per type, and what finished in the last hour. */
@RestController
class StatsController {

    private static final Duration RECENT = Duration.ofHours(1);

    private final JobCounts counts;

    StatsController(JobCounts counts) {
        this.counts = counts;
    }

    /**
     * @param byStatus every status, 0 included
     * @param byType   each type the tenant has jobs of, with its counts per status (statuses at 0 left out)
     * @param lastHour jobs that became terminal in the last hour (to the minute), per terminal status, and in all
     */
    record Stats(long total, Map<JobStatus, Long> byStatus, Map<String, Map<JobStatus, Long>> byType,
            LastHour lastHour, Instant asOf) {
    }

    record LastHour(long finished, long succeeded, long failed, long cancelled) {
    }

    @Operation(summary = "Count the tenant's jobs", description = "Per status and per type, and what finished and "
            + "failed in the last hour. The counts are maintained as jobs change, so this is cheap at any store size.")
    @GetMapping("/api/v1/stats")
    Stats stats(@AuthenticationPrincipal Caller caller) {
        Instant now = Instant.now();
        Map<String, Map<JobStatus, Long>> byType = counts.byType(caller.tenant());
        Map<JobStatus, Long> byStatus = new EnumMap<>(JobStatus.class);
        for (JobStatus status : JobStatus.values()) {
            byStatus.put(status, 0L);
        }
        byType.values().forEach(type -> type.forEach((status, count) -> byStatus.merge(status, count, Long::sum)));
        Map<JobStatus, Long> finished = counts.finishedSince(caller.tenant(),
                now.minus(RECENT).truncatedTo(ChronoUnit.MINUTES));
        long succeeded = finished.getOrDefault(JobStatus.SUCCEEDED, 0L);
        long failed = finished.getOrDefault(JobStatus.FAILED, 0L);
        long cancelled = finished.getOrDefault(JobStatus.CANCELLED, 0L);
        return new Stats(byStatus.values().stream().mapToLong(Long::longValue).sum(), byStatus,
                new LinkedHashMap<>(byType), new LastHour(succeeded + failed + cancelled, succeeded, failed, cancelled),
                now);
    }
}
