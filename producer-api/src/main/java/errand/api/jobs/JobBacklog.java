package errand.api.jobs;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

import errand.api.ErrandMetrics;
import errand.api.StatusSql;
import errand.api.stats.JobCounts;
import errand.model.JobStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * How many jobs wait, read from the maintained counts ({@link JobCounts}) every two seconds rather than per request:
 * it feeds the {@code 429} back-pressure of submits (per tenant, so one tenant's flood does not refuse its
 * neighbours) and the backlog gauges (all tenants), which thus read the same numbers as {@code GET /api/v1/stats}.
 */
@Component
class JobBacklog {

    private static final Logger log = LoggerFactory.getLogger(JobBacklog.class);

    /**
     * Due attempts waiting to be published. Joined to their jobs, so a row no relay will claim (pruned only while the
     * relay is idle) does not count.
     */
    private static final String DUE_UNPUBLISHED = """
            select count(*) from job_outbox o join jobs j on j.id = o.job_id and j.attempt = o.attempt
            where o.publish_after <= now() and j.status = %s""".formatted(StatusSql.literal(JobStatus.QUEUED));

    private final JdbcTemplate jdbc;
    private final JobCounts counts;
    private final JobsProperties limits;
    private final Map<JobStatus, Long> unfinished = new EnumMap<>(JobStatus.class);
    private volatile long unpublished;
    private volatile Map<String, Long> byTenant = Map.of();

    JobBacklog(JdbcTemplate jdbc, JobCounts counts, JobsProperties limits, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.counts = counts;
        this.limits = limits;
        for (JobStatus status : JobStatus.values()) {
            if (!status.isTerminal()) {
                unfinished.put(status, 0L);
                Gauge.builder(ErrandMetrics.JOBS_UNFINISHED, unfinished, m -> m.getOrDefault(status, 0L))
                        .tag(ErrandMetrics.TAG_STATUS, status.name()).register(registry);
            }
        }
        Gauge.builder(ErrandMetrics.OUTBOX_PENDING, this, b -> b.unpublished).register(registry);
    }

    /** Refuses a tenant new work while too much of its work waits. */
    void checkRoomFor(String tenant, int jobs) {
        long waiting = byTenant.getOrDefault(tenant, 0L);
        if (waiting + jobs > limits.maxQueued()) {
            throw new JobExceptions.TooManyQueued(waiting);
        }
    }

    void refresh() {
        try {
            Map<JobStatus, Long> byStatus = new EnumMap<>(JobStatus.class);
            Map<String, Long> tenants = new HashMap<>();
            unfinished.keySet().forEach(s -> byStatus.put(s, 0L));
            counts.unfinished().forEach((tenant, ofTenant) -> ofTenant.forEach((status, count) -> {
                byStatus.merge(status, count, Long::sum);
                tenants.merge(tenant, count, Long::sum);
            }));
            synchronized (unfinished) {
                unfinished.putAll(byStatus);
            }
            byTenant = Map.copyOf(tenants);
            Long pending = jdbc.queryForObject(DUE_UNPUBLISHED, Long.class);
            unpublished = pending == null ? 0 : pending;
        } catch (DataAccessException e) {
            log.debug("Could not count the backlog: {}", e.getMessage());
        }
    }
}
