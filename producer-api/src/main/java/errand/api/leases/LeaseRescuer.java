package errand.api.leases;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import errand.api.ErrandMetrics;
import errand.api.StatusSql;
import errand.api.dispatch.OutboxSignal;
import errand.model.JobStatus;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Requeues jobs whose lease lapsed: their worker died, froze or lost the broker while running a long attempt. The
 * lapsed attempt is recorded as LOST and the job gets a new attempt, published by the outbox relay (RUNNING moves
 * through RETRYING to QUEUED at once); with no attempt left it fails. The new attempt number fences the old one:
 * if its worker comes back, nothing it reports is applied. Several API instances sweep safely: rows are claimed
 * with SKIP LOCKED.
 */
@Component
public class LeaseRescuer {

    private static final Logger log = LoggerFactory.getLogger(LeaseRescuer.class);

    /** The status of an attempt whose lease lapsed; attempts otherwise take the job's status names. */
    private static final String ATTEMPT_LOST = "LOST";

    private static final String RESCUE = """
            with lapsed as (
                select id, attempt, leased_by from jobs
                where status = %1$s and lease_until < ?
                order by lease_until
                limit ?
                for update skip locked),
            lost as (
                update job_attempts a set status = '%2$s', finished_at = now(),
                       error = jsonb_build_object('type', 'lease-expired', 'message',
                               'worker ' || coalesce(lapsed.leased_by, '?') || ' stopped renewing its lease',
                               'retryable', true)
                from lapsed where a.job_id = lapsed.id and a.attempt = lapsed.attempt)
            update jobs j set
                status = case when j.attempt < j.max_attempts then %3$s else %4$s end,
                error = jsonb_build_object('type', 'lease-expired', 'message',
                        'worker ' || coalesce(lapsed.leased_by, '?') || ' stopped renewing its lease',
                        'retryable', true),
                finished_at = case when j.attempt < j.max_attempts then null else now() end,
                attempt = case when j.attempt < j.max_attempts then j.attempt + 1 else j.attempt end,
                publish_after = now(), lease_until = null, leased_by = null, updated_at = now()
            from lapsed where j.id = lapsed.id
            returning j.type, j.status""".formatted(StatusSql.literal(JobStatus.RUNNING), ATTEMPT_LOST,
            StatusSql.literal(JobStatus.QUEUED), StatusSql.literal(JobStatus.FAILED));

    private final JdbcTemplate jdbc;
    private final OutboxSignal relay;
    private final LeaseProperties properties;
    private final MeterRegistry registry;

    LeaseRescuer(JdbcTemplate jdbc, OutboxSignal relay, LeaseProperties properties, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.relay = relay;
        this.properties = properties;
        this.registry = registry;
    }

    private record Rescued(String type, JobStatus status) {
    }

    /** Rescues one round of lapsed leases; answers how many jobs it requeued or failed. */
    public int sweepOnce() {
        List<Rescued> rescued = jdbc.query(RESCUE, (rs, n) -> new Rescued(rs.getString(1),
                JobStatus.valueOf(rs.getString(2))),
                Timestamp.from(Instant.now()), properties.batchSize());
        for (Rescued job : rescued) {
            registry.counter(ErrandMetrics.JOBS_RESCUED, ErrandMetrics.TAG_TYPE, job.type()).increment();
            if (job.status() == JobStatus.FAILED) {
                registry.counter(ErrandMetrics.JOBS_COMPLETED, ErrandMetrics.TAG_TYPE, job.type(),
                        ErrandMetrics.TAG_STATUS, job.status().name()).increment();
            }
        }
        if (!rescued.isEmpty()) {
            log.warn("Rescued {} jobs whose lease lapsed", rescued.size());
            relay.wakeUp();
        }
        return rescued.size();
    }
}
