package errand.api.jobs;

import java.util.EnumMap;
import java.util.Map;

import errand.api.ErrandMetrics;
import errand.api.StatusSql;
import errand.model.JobStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * How many jobs wait, counted every two seconds rather than per request: it feeds the {@code 429} back-pressure of
 * submits and the backlog gauges.
 */
@Component
class JobBacklog {

    private static final Logger log = LoggerFactory.getLogger(JobBacklog.class);

    private static final String COUNT_UNFINISHED = "select status, count(*) from jobs where status in "
            + StatusSql.listOf(status -> !status.isTerminal()) + " group by status";

    private final JdbcTemplate jdbc;
    private final JobsProperties limits;
    private final Map<JobStatus, Long> unfinished = new EnumMap<>(JobStatus.class);
    private volatile long unpublished;
    private volatile long total;

    JobBacklog(JdbcTemplate jdbc, JobsProperties limits, MeterRegistry registry) {
        this.jdbc = jdbc;
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

    /** Refuses new work while too much waits. */
    void checkRoomFor(int jobs) {
        if (total + jobs > limits.maxQueued()) {
            throw new JobExceptions.TooManyQueued(total);
        }
    }

    void refresh() {
        try {
            Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
            unfinished.keySet().forEach(s -> counts.put(s, 0L));
            jdbc.query(COUNT_UNFINISHED, rs -> {
                        counts.put(JobStatus.valueOf(rs.getString(1)), rs.getLong(2));
                    });
            synchronized (unfinished) {
                unfinished.putAll(counts);
            }
            total = counts.values().stream().mapToLong(Long::longValue).sum();
            Long pending = jdbc.queryForObject(
                    "select count(*) from jobs where published_at is null and publish_after <= now()", Long.class);
            unpublished = pending == null ? 0 : pending;
        } catch (DataAccessException e) {
            log.debug("Could not count the backlog: {}", e.getMessage());
        }
    }
}
